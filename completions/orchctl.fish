# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_orchctl_global_optspecs
    string join \n server= context= o/output= no-color y/yes v/verbose h/help V/version
end

function __fish_orchctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_orchctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_orchctl_using_subcommand
    set -l cmd (__fish_orchctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c orchctl -n "__fish_orchctl_needs_command" -l server -d 'Base URL of the orchd API; overrides the server of the current context' -r
complete -c orchctl -n "__fish_orchctl_needs_command" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_needs_command" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_needs_command" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_needs_command" -s y -l yes -d 'Do not ask for confirmation; answer yes'
complete -c orchctl -n "__fish_orchctl_needs_command" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_needs_command" -s V -l version -d 'Print version'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "completion" -d 'Print the completion script for SHELL to stdout'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l server -d 'Base URL of the orchd API; overrides the server of the current context' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s y -l yes -d 'Do not ask for confirmation; answer yes'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from completion help" -f -a "completion" -d 'Print the completion script for SHELL to stdout'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
