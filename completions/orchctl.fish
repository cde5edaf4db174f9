# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_orchctl_global_optspecs
    string join \n server= context= config= o/output= no-color y/yes v/verbose h/help V/version
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

complete -c orchctl -n "__fish_orchctl_needs_command" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_needs_command" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_needs_command" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_needs_command" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_needs_command" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_needs_command" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_needs_command" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_needs_command" -s V -l version -d 'Print version'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "login" -d 'Log in to an orchd server with an operator API key and save it as a context'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "logout" -d 'Remove the stored API key and token of the current context'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "whoami" -d 'Show the operator you are authenticated as, its role and permissions'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "context" -d 'List the saved contexts or switch between them'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "config" -d 'Validate, apply, diff, show and roll back a tenant\'s config'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "operators" -d 'Create, list and disable operators, and rotate their API keys'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "clients" -d 'Create, list and delete a tenant\'s API clients (client credentials)'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "jobs" -d 'Look at jobs of any tenant'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "dlq" -d 'List, inspect, replay and purge dead jobs'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "inbox" -d 'List, inspect and replay received webhooks'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "breakers" -d 'List circuit breakers and reset them'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "impersonate" -d 'Impersonate a tenant for a while (a tenant token), stop and list impersonations'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "audit" -d 'Read the operator audit log and verify its hash chain'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "events" -d 'Read the event log, or follow it live'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "trace" -d 'Show everything recorded for one trace: webhook → job → runs, and its events'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "webhooks" -d 'Sign Stripe webhook payloads, and send them to orchd'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "completion" -d 'Print the completion script for SHELL to stdout'
complete -c orchctl -n "__fish_orchctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -l api-key-stdin -d 'Read the API key from stdin instead of prompting for it'
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -f -a "list" -d 'List the contexts (never their credentials)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -f -a "use" -d 'Make NAME the current context'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and not __fish_seen_subcommand_from list use help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the contexts (never their credentials)'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make NAME the current context'
complete -c orchctl -n "__fish_orchctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "validate" -d 'Check a config document offline, with the validator orchd runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "apply" -d 'Store a config document as a new version, optionally activating it'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "diff" -d 'Show what would change: a document against the active version, or two versions'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "show" -d 'Show the active version of a tenant\'s config (or another version) with its document'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "history" -d 'List a tenant\'s config versions and the moves of its active version'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "activate" -d 'Make a stored version the active one'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "rollback" -d 'Make an earlier version active again (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and not __fish_seen_subcommand_from validate apply diff show history activate rollback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s f -l file -d 'The document, YAML or JSON (\'-\' reads stdin)' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l tenant -d 'Also check that the document\'s `tenant` key names this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -s f -l file -d 'The document, YAML or JSON (\'-\' reads stdin)' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l tenant -d 'The tenant to apply to [default: the document\'s `tenant` key, which must match]' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l activate -d 'Also make the new version active (needs config.activate)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l dry-run -d 'Validate and print the changes only; store nothing'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s f -l file -d 'Compare this document (YAML or JSON, \'-\' reads stdin) with the active version' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l tenant -d 'The tenant [default with -f: the document\'s `tenant` key, which must match]' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l from -d 'Compare two stored versions: from this one…' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l to -d '…to this one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -l version -d 'Show this version instead of the active one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -l all -d 'List every version, not only the newest page'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from activate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l to -d 'The version to make active [default: the one active before the current one]' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check a config document offline, with the validator orchd runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Store a config document as a new version, optionally activating it'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show what would change: a document against the active version, or two versions'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the active version of a tenant\'s config (or another version) with its document'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "history" -d 'List a tenant\'s config versions and the moves of its active version'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "activate" -d 'Make a stored version the active one'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Make an earlier version active again (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -f -a "create" -d 'Create an operator and print its API key (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -f -a "list" -d 'List operators'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -f -a "disable" -d 'Disable an operator: its keys and tokens stop working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -f -a "rotate-key" -d 'Issue a new API key for an operator (shown only once) and revoke its older keys'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and not __fish_seen_subcommand_from create list disable rotate-key help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l role -d 'The operator\'s role' -r -f -a "readonly\t''
billing\t''
support\t''
admin\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from rotate-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an operator and print its API key (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from help" -f -a "list" -d 'List operators'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disable an operator: its keys and tokens stop working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from help" -f -a "rotate-key" -d 'Issue a new API key for an operator (shown only once) and revoke its older keys'
complete -c orchctl -n "__fish_orchctl_using_subcommand operators; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -f -a "create" -d 'Create a client for a tenant and print its secret (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -f -a "list" -d 'List a tenant\'s clients (never their secrets)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -f -a "delete" -d 'Delete a client: its secret stops working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and not __fish_seen_subcommand_from create list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l tenant -d 'The tenant the client acts for' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l name -d 'A name for the client, e.g. the service that uses it' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l scopes -d 'The scopes its tokens may carry, comma-separated' -r -f -a "execute\t''
jobs:write\t''
jobs:read\t''
events:read\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -l tenant -d 'The tenant whose clients to list' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l tenant -d 'The tenant the client belongs to (required: the API names clients per tenant)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a client for a tenant and print its secret (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a tenant\'s clients (never their secrets)'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a client: its secret stops working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -f -a "get" -d 'Show one job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -f -a "list" -d 'List jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and not __fish_seen_subcommand_from get list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l tenant -d 'Only jobs of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l queue -d 'Only jobs on this queue' -r -f -a "webhook\t''
critical\t''
default\t''
low\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l status -d 'Only jobs with this status' -r -f -a "queued\t''
running\t''
succeeded\t''
dead\t''
cancelled\t''
purged\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l limit -d 'Rows per page (1–500; the server\'s default is 50)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l cursor -d 'Start at this page (the `next_cursor` of an earlier page)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l all -d 'Follow `next_cursor` through every page'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "list" -d 'List dead jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "stats" -d 'Show the depth and the oldest dead job of each queue'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "show" -d 'Show one dead job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "replay" -d 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "purge" -d 'Delete dead jobs and their payloads (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and not __fish_seen_subcommand_from list stats show replay purge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l queue -d 'Only dead jobs of this queue' -r -f -a "webhook\t''
critical\t''
default\t''
low\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l tenant -d 'Only dead jobs of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l connector -d 'Only dead jobs of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l error-code -d 'Only dead jobs whose last error has this code, e.g. upstream_5xx' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l since -d 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l until -d 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l limit -d 'Rows per page (1–500; the server\'s default is 50)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l cursor -d 'Start at this page (the `next_cursor` of an earlier page)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l all -d 'Follow `next_cursor` through every page'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l queue -d 'Only dead jobs of this queue' -r -f -a "webhook\t''
critical\t''
default\t''
low\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l tenant -d 'Only dead jobs of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l connector -d 'Only dead jobs of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l error-code -d 'Only dead jobs whose last error has this code, e.g. upstream_5xx' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l since -d 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l until -d 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l chunk-size -d 'Jobs per request for large selections' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l all -d 'Every dead job the filters match (every dead job without filters)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l dry-run -d 'Only count the matching dead jobs; change nothing'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l queue -d 'Only dead jobs of this queue' -r -f -a "webhook\t''
critical\t''
default\t''
low\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l tenant -d 'Only dead jobs of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l connector -d 'Only dead jobs of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l error-code -d 'Only dead jobs whose last error has this code, e.g. upstream_5xx' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l since -d 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l until -d 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l chunk-size -d 'Jobs per request for large selections' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l all -d 'Every dead job the filters match (every dead job without filters)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l dry-run -d 'Only count the matching dead jobs; change nothing'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "list" -d 'List dead jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Show the depth and the oldest dead job of each queue'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one dead job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete dead jobs and their payloads (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -f -a "list" -d 'List inbox rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -f -a "show" -d 'Show one row with its jobs (and, with --payload, the body as received)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -f -a "replay" -d 'Process a row again: a new webhook job, the row back to `received`'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l tenant -d 'Only rows of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l provider -d 'Only rows of this provider, e.g. stripe' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l status -d 'Only rows in this status' -r -f -a "received\t''
processed\t''
failed\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l type -d 'Only events of this type, e.g. invoice.paid' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l since -d 'Only rows received at or after this time: RFC 3339, or a duration ago such as 10m, 24h' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l until -d 'Only rows received before this time: RFC 3339, or a duration ago such as 10m, 24h' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l limit -d 'Rows per page (1–500; the server\'s default is 50)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l cursor -d 'Start at this page (the `next_cursor` of an earlier page)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l all -d 'Follow `next_cursor` through every page'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -l payload -d 'Print the body exactly as received (needs billing, support or admin)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List inbox rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one row with its jobs (and, with --payload, the body as received)'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Process a row again: a new webhook job, the row back to `received`'
complete -c orchctl -n "__fish_orchctl_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -f -a "list" -d 'List circuit breakers as the answering node sees them'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -f -a "reset" -d 'Close a circuit breaker on every node, e.g. once its upstream is healthy again'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and not __fish_seen_subcommand_from list reset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l tenant -d 'Only breakers of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l connector -d 'Only breakers of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from help" -f -a "list" -d 'List circuit breakers as the answering node sees them'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Close a circuit breaker on every node, e.g. once its upstream is healthy again'
complete -c orchctl -n "__fish_orchctl_using_subcommand breakers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -f -a "start" -d 'Start impersonating a tenant: print a tenant token, or run a command with it'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -f -a "stop" -d 'Stop an impersonation: its token is refused at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -f -a "list" -d 'List impersonations, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and not __fish_seen_subcommand_from start stop list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l ttl -d 'How long the token lives: whole seconds up to 1h, e.g. 90s, 10m, 1h' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l scopes -d 'The token\'s scopes, comma-separated [default: all of them]' -r -f -a "execute\t''
jobs:write\t''
jobs:read\t''
events:read\t''"
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l exec -d 'Run CMD ARGS… with the token in ORCH_TOKEN instead of printing it; everything after --exec belongs to the command, so it comes last' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -l reason -d 'Why, for the audit log (asked for on a terminal when missing)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l tenant -d 'Only impersonations of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l active -d 'Only impersonations neither stopped nor expired'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start impersonating a tenant: print a tenant token, or run a command with it'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop an impersonation: its token is refused at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from help" -f -a "list" -d 'List impersonations, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand impersonate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -f -a "list" -d 'List audit rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -f -a "verify" -d 'Check the audit log\'s hash chain (exit status 6 when it is broken or cut)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -f -a "head" -d 'Print the chain\'s head (<count>:<hash>) to record as an anchor for verify --expect-head'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and not __fish_seen_subcommand_from list verify head help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l operator -d 'Only rows of this operator (name)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l action -d 'Only rows of this action, e.g. operators.create' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l tenant -d 'Only rows about this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l request-id -d 'Only rows written by this request (its x-request-id)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only rows at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l until -d 'Only rows before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l limit -d 'Rows per page (1–500; the server\'s default is 50)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l cursor -d 'Start at this page (the `next_cursor` of an earlier page)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l all -d 'Follow `next_cursor` through every page'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l expect-head -d 'Also fail unless the chain still holds this earlier head (<count>:<hash>, as printed by `audit head`)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from head" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the audit log\'s hash chain (exit status 6 when it is broken or cut)'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "head" -d 'Print the chain\'s head (<count>:<hash>) to record as an anchor for verify --expect-head'
complete -c orchctl -n "__fish_orchctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -f -a "list" -d 'List events, newest first (oldest first after --after-id)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -f -a "tail" -d 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and not __fish_seen_subcommand_from list tail help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l tenant -d 'Only events of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l connector -d 'Only events of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l trace -l trace-id -d 'Only events of this trace (a W3C trace id: 32 hex digits)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l kind -d 'Only events of this kind: exact (job.dead) or a prefix ending in . or * (webhook.*)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l since -d 'Only events at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l after-id -d 'Only events after this event id, oldest first (to read on from an earlier list)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l limit -d 'Rows per page (1–500; the server\'s default is 50)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l cursor -d 'Start at this page (the `next_cursor` of an earlier page)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l all -d 'Follow `next_cursor` through every page'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l tenant -d 'Only events of this tenant' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l connector -d 'Only events of this connector' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l trace -l trace-id -d 'Only events of this trace (a W3C trace id: 32 hex digits)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l kind -d 'Only events of this kind: exact (job.dead) or a prefix ending in . or * (webhook.*)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l since -d 'Only events at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l after-id -d 'Start after this event id instead of now (the id of the last event you saw)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "list" -d 'List events, newest first (oldest first after --after-id)'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "tail" -d 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself'
complete -c orchctl -n "__fish_orchctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -f -a "sign" -d 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -f -a "send" -d 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and not __fish_seen_subcommand_from sign send help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l secret-ref -d 'The signing secret (whsec_…) as a SecretRef: env:NAME, file:/path or docker:NAME' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -s f -l file -d 'The event payload; its exact bytes are signed (\'-\' reads stdin)' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l timestamp -d 'Sign as of this unix time instead of now (to reproduce a signature)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l secret-stdin -d 'Read the signing secret from stdin (one trailing newline is trimmed)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l tenant -d 'The tenant whose endpoint receives it [default: the server\'s default tenant, POST /webhooks/stripe]' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l secret-ref -d 'The signing secret (whsec_…) as a SecretRef: env:NAME, file:/path or docker:NAME' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -s f -l file -d 'The event payload; its exact bytes are signed (\'-\' reads stdin)' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l timestamp -d 'Sign as of this unix time instead of now (to reproduce a signature)' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l secret-stdin -d 'Read the signing secret from stdin (one trailing newline is trimmed)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "send" -d 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would'
complete -c orchctl -n "__fish_orchctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l server -d 'Base URL of the orchd API [default: the context\'s]; a context\'s credentials are only sent to its own server' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l context -d 'Context to use from the config file instead of the current one' -r
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l config -d 'Contexts file [default: ~/.config/orchctl/config.yaml]' -r -F
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s o -l output -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t'Aligned columns for people'
json\t'The API\'s own objects, for scripts'
yaml\t'The API\'s own objects, as YAML'"
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -l no-color -d 'Never colour output (also when NO_COLOR is set and not empty)'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s y -l yes -d 'Never prompt: answer yes to confirmations (a missing --reason is then an error)'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s v -l verbose -d 'Show request ids and timings on stderr'
complete -c orchctl -n "__fish_orchctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "login" -d 'Log in to an orchd server with an operator API key and save it as a context'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "logout" -d 'Remove the stored API key and token of the current context'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "whoami" -d 'Show the operator you are authenticated as, its role and permissions'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "context" -d 'List the saved contexts or switch between them'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "config" -d 'Validate, apply, diff, show and roll back a tenant\'s config'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "operators" -d 'Create, list and disable operators, and rotate their API keys'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "clients" -d 'Create, list and delete a tenant\'s API clients (client credentials)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "jobs" -d 'Look at jobs of any tenant'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "dlq" -d 'List, inspect, replay and purge dead jobs'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "inbox" -d 'List, inspect and replay received webhooks'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "breakers" -d 'List circuit breakers and reset them'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "impersonate" -d 'Impersonate a tenant for a while (a tenant token), stop and list impersonations'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "audit" -d 'Read the operator audit log and verify its hash chain'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "events" -d 'Read the event log, or follow it live'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "trace" -d 'Show everything recorded for one trace: webhook → job → runs, and its events'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "webhooks" -d 'Sign Stripe webhook payloads, and send them to orchd'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "completion" -d 'Print the completion script for SHELL to stdout'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context config operators clients jobs dlq inbox breakers impersonate audit events trace webhooks completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "list" -d 'List the contexts (never their credentials)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "use" -d 'Make NAME the current context'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check a config document offline, with the validator orchd runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "apply" -d 'Store a config document as a new version, optionally activating it'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "diff" -d 'Show what would change: a document against the active version, or two versions'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show the active version of a tenant\'s config (or another version) with its document'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "history" -d 'List a tenant\'s config versions and the moves of its active version'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "activate" -d 'Make a stored version the active one'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rollback" -d 'Make an earlier version active again (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from operators" -f -a "create" -d 'Create an operator and print its API key (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from operators" -f -a "list" -d 'List operators'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from operators" -f -a "disable" -d 'Disable an operator: its keys and tokens stop working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from operators" -f -a "rotate-key" -d 'Issue a new API key for an operator (shown only once) and revoke its older keys'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "create" -d 'Create a client for a tenant and print its secret (shown only once)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "list" -d 'List a tenant\'s clients (never their secrets)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "delete" -d 'Delete a client: its secret stops working at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "get" -d 'Show one job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "list" -d 'List jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "list" -d 'List dead jobs, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "stats" -d 'Show the depth and the oldest dead job of each queue'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "show" -d 'Show one dead job with its runs'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "purge" -d 'Delete dead jobs and their payloads (asks to confirm unless --yes)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "list" -d 'List inbox rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "show" -d 'Show one row with its jobs (and, with --payload, the body as received)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "replay" -d 'Process a row again: a new webhook job, the row back to `received`'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from breakers" -f -a "list" -d 'List circuit breakers as the answering node sees them'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from breakers" -f -a "reset" -d 'Close a circuit breaker on every node, e.g. once its upstream is healthy again'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from impersonate" -f -a "start" -d 'Start impersonating a tenant: print a tenant token, or run a command with it'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from impersonate" -f -a "stop" -d 'Stop an impersonation: its token is refused at once'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from impersonate" -f -a "list" -d 'List impersonations, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit rows, newest first'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the audit log\'s hash chain (exit status 6 when it is broken or cut)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "head" -d 'Print the chain\'s head (<count>:<hash>) to record as an anchor for verify --expect-head'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "list" -d 'List events, newest first (oldest first after --after-id)'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "tail" -d 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "sign" -d 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout'
complete -c orchctl -n "__fish_orchctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "send" -d 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would'
