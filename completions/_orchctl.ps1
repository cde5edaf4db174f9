
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'orchctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'orchctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'orchctl' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to an orchd server with an operator API key and save it as a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored API key and token of the current context')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the operator you are authenticated as, its role and permissions')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'List the saved contexts or switch between them')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Validate, apply, diff, show and roll back a tenant''s config')
            [CompletionResult]::new('operators', 'operators', [CompletionResultType]::ParameterValue, 'Create, list and disable operators, and rotate their API keys')
            [CompletionResult]::new('clients', 'clients', [CompletionResultType]::ParameterValue, 'Create, list and delete a tenant''s API clients (client credentials)')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Look at jobs of any tenant')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'List, inspect, replay and purge dead jobs')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'List, inspect and replay received webhooks')
            [CompletionResult]::new('breakers', 'breakers', [CompletionResultType]::ParameterValue, 'List circuit breakers and reset them')
            [CompletionResult]::new('impersonate', 'impersonate', [CompletionResultType]::ParameterValue, 'Impersonate a tenant for a while (a tenant token), stop and list impersonations')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the operator audit log and verify its hash chain')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Read the event log, or follow it live')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Show everything recorded for one trace: webhook → job → runs, and its events')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Sign Stripe webhook payloads, and send them to orchd')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the completion script for SHELL to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;login' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--api-key-stdin', '--api-key-stdin', [CompletionResultType]::ParameterName, 'Read the API key from stdin instead of prompting for it')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;logout' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;whoami' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;context' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (never their credentials)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;context;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;context;use' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;context;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (never their credentials)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;context;help;list' {
            break
        }
        'orchctl;context;help;use' {
            break
        }
        'orchctl;context;help;help' {
            break
        }
        'orchctl;config' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config document offline, with the validator orchd runs')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Store a config document as a new version, optionally activating it')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what would change: a document against the active version, or two versions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the active version of a tenant''s config (or another version) with its document')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a tenant''s config versions and the moves of its active version')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a stored version the active one')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Make an earlier version active again (asks to confirm unless --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;config;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The document, YAML or JSON (''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The document, YAML or JSON (''-'' reads stdin)')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Also check that the document''s `tenant` key names this tenant')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The document, YAML or JSON (''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The document, YAML or JSON (''-'' reads stdin)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant to apply to [default: the document''s `tenant` key, which must match]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Also make the new version active (needs config.activate)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate and print the changes only; store nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Compare this document (YAML or JSON, ''-'' reads stdin) with the active version')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Compare this document (YAML or JSON, ''-'' reads stdin) with the active version')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant [default with -f: the document''s `tenant` key, which must match]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Compare two stored versions: from this one…')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, '…to this one')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;show' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Show this version instead of the active one')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;history' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List every version, not only the newest page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;activate' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The version to make active [default: the one active before the current one]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config document offline, with the validator orchd runs')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Store a config document as a new version, optionally activating it')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what would change: a document against the active version, or two versions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the active version of a tenant''s config (or another version) with its document')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a tenant''s config versions and the moves of its active version')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a stored version the active one')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Make an earlier version active again (asks to confirm unless --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;config;help;validate' {
            break
        }
        'orchctl;config;help;apply' {
            break
        }
        'orchctl;config;help;diff' {
            break
        }
        'orchctl;config;help;show' {
            break
        }
        'orchctl;config;help;history' {
            break
        }
        'orchctl;config;help;activate' {
            break
        }
        'orchctl;config;help;rollback' {
            break
        }
        'orchctl;config;help;help' {
            break
        }
        'orchctl;operators' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an operator and print its API key (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List operators')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an operator: its keys and tokens stop working at once')
            [CompletionResult]::new('rotate-key', 'rotate-key', [CompletionResultType]::ParameterValue, 'Issue a new API key for an operator (shown only once) and revoke its older keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;operators;create' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The operator''s role')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;operators;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;operators;disable' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;operators;rotate-key' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;operators;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an operator and print its API key (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List operators')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an operator: its keys and tokens stop working at once')
            [CompletionResult]::new('rotate-key', 'rotate-key', [CompletionResultType]::ParameterValue, 'Issue a new API key for an operator (shown only once) and revoke its older keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;operators;help;create' {
            break
        }
        'orchctl;operators;help;list' {
            break
        }
        'orchctl;operators;help;disable' {
            break
        }
        'orchctl;operators;help;rotate-key' {
            break
        }
        'orchctl;operators;help;help' {
            break
        }
        'orchctl;clients' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a client for a tenant and print its secret (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a tenant''s clients (never their secrets)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a client: its secret stops working at once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;clients;create' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant the client acts for')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name for the client, e.g. the service that uses it')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'The scopes its tokens may carry, comma-separated')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;clients;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant whose clients to list')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;clients;delete' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant the client belongs to (required: the API names clients per tenant)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;clients;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a client for a tenant and print its secret (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a tenant''s clients (never their secrets)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a client: its secret stops working at once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;clients;help;create' {
            break
        }
        'orchctl;clients;help;list' {
            break
        }
        'orchctl;clients;help;delete' {
            break
        }
        'orchctl;clients;help;help' {
            break
        }
        'orchctl;jobs' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one job with its runs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;jobs;get' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;jobs;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only jobs of this tenant')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs on this queue')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only jobs with this status')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows per page (1–500; the server''s default is 50)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the `next_cursor` of an earlier page)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow `next_cursor` through every page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;jobs;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one job with its runs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;jobs;help;get' {
            break
        }
        'orchctl;jobs;help;list' {
            break
        }
        'orchctl;jobs;help;help' {
            break
        }
        'orchctl;dlq' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Show the depth and the oldest dead job of each queue')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job with its runs')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs and their payloads (asks to confirm unless --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;dlq;list' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only dead jobs of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only dead jobs of this connector')
            [CompletionResult]::new('--error-code', '--error-code', [CompletionResultType]::ParameterName, 'Only dead jobs whose last error has this code, e.g. upstream_5xx')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows per page (1–500; the server''s default is 50)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the `next_cursor` of an earlier page)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow `next_cursor` through every page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;dlq;stats' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;dlq;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;dlq;replay' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only dead jobs of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only dead jobs of this connector')
            [CompletionResult]::new('--error-code', '--error-code', [CompletionResultType]::ParameterName, 'Only dead jobs whose last error has this code, e.g. upstream_5xx')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Jobs per request for large selections')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every dead job the filters match (every dead job without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only count the matching dead jobs; change nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;dlq;purge' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only dead jobs of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only dead jobs of this connector')
            [CompletionResult]::new('--error-code', '--error-code', [CompletionResultType]::ParameterName, 'Only dead jobs whose last error has this code, e.g. upstream_5xx')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs dead at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only jobs dead before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Jobs per request for large selections')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every dead job the filters match (every dead job without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only count the matching dead jobs; change nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;dlq;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Show the depth and the oldest dead job of each queue')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job with its runs')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs and their payloads (asks to confirm unless --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;dlq;help;list' {
            break
        }
        'orchctl;dlq;help;stats' {
            break
        }
        'orchctl;dlq;help;show' {
            break
        }
        'orchctl;dlq;help;replay' {
            break
        }
        'orchctl;dlq;help;purge' {
            break
        }
        'orchctl;dlq;help;help' {
            break
        }
        'orchctl;inbox' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List inbox rows, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one row with its jobs (and, with --payload, the body as received)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Process a row again: a new webhook job, the row back to `received`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;inbox;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only rows of this tenant')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only rows of this provider, e.g. stripe')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only rows in this status')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of this type, e.g. invoice.paid')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows received at or after this time: RFC 3339, or a duration ago such as 10m, 24h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only rows received before this time: RFC 3339, or a duration ago such as 10m, 24h')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows per page (1–500; the server''s default is 50)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the `next_cursor` of an earlier page)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow `next_cursor` through every page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;inbox;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Print the body exactly as received (needs billing, support or admin)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;inbox;replay' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;inbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List inbox rows, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one row with its jobs (and, with --payload, the body as received)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Process a row again: a new webhook job, the row back to `received`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;inbox;help;list' {
            break
        }
        'orchctl;inbox;help;show' {
            break
        }
        'orchctl;inbox;help;replay' {
            break
        }
        'orchctl;inbox;help;help' {
            break
        }
        'orchctl;breakers' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List circuit breakers as the answering node sees them')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Close a circuit breaker on every node, e.g. once its upstream is healthy again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;breakers;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only breakers of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only breakers of this connector')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;breakers;reset' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;breakers;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List circuit breakers as the answering node sees them')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Close a circuit breaker on every node, e.g. once its upstream is healthy again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;breakers;help;list' {
            break
        }
        'orchctl;breakers;help;reset' {
            break
        }
        'orchctl;breakers;help;help' {
            break
        }
        'orchctl;impersonate' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start impersonating a tenant: print a tenant token, or run a command with it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop an impersonation: its token is refused at once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List impersonations, newest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;impersonate;start' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the token lives: whole seconds up to 1h, e.g. 90s, 10m, 1h')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'The token''s scopes, comma-separated [default: all of them]')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD ARGS… with the token in ORCH_TOKEN instead of printing it; everything after --exec belongs to the command, so it comes last')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;impersonate;stop' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log (asked for on a terminal when missing)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;impersonate;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only impersonations of this tenant')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only impersonations neither stopped nor expired')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;impersonate;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start impersonating a tenant: print a tenant token, or run a command with it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop an impersonation: its token is refused at once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List impersonations, newest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;impersonate;help;start' {
            break
        }
        'orchctl;impersonate;help;stop' {
            break
        }
        'orchctl;impersonate;help;list' {
            break
        }
        'orchctl;impersonate;help;help' {
            break
        }
        'orchctl;audit' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, newest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the audit log''s hash chain (exit status 6 when it is broken or cut)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the chain''s head (<count>:<hash>) to record as an anchor for verify --expect-head')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;audit;list' {
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'Only rows of this operator (name)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only rows of this action, e.g. operators.create')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only rows about this tenant')
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'Only rows written by this request (its x-request-id)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only rows before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows per page (1–500; the server''s default is 50)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the `next_cursor` of an earlier page)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow `next_cursor` through every page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;audit;verify' {
            [CompletionResult]::new('--expect-head', '--expect-head', [CompletionResultType]::ParameterName, 'Also fail unless the chain still holds this earlier head (<count>:<hash>, as printed by `audit head`)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;audit;head' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, newest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the audit log''s hash chain (exit status 6 when it is broken or cut)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the chain''s head (<count>:<hash>) to record as an anchor for verify --expect-head')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;audit;help;list' {
            break
        }
        'orchctl;audit;help;verify' {
            break
        }
        'orchctl;audit;help;head' {
            break
        }
        'orchctl;audit;help;help' {
            break
        }
        'orchctl;events' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List events, newest first (oldest first after --after-id)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;events;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only events of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only events of this connector')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Only events of this trace (a W3C trace id: 32 hex digits)')
            [CompletionResult]::new('--trace-id', '--trace-id', [CompletionResultType]::ParameterName, 'Only events of this trace (a W3C trace id: 32 hex digits)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only events of this kind: exact (job.dead) or a prefix ending in . or * (webhook.*)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--after-id', '--after-id', [CompletionResultType]::ParameterName, 'Only events after this event id, oldest first (to read on from an earlier list)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows per page (1–500; the server''s default is 50)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the `next_cursor` of an earlier page)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow `next_cursor` through every page')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;events;tail' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only events of this tenant')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only events of this connector')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Only events of this trace (a W3C trace id: 32 hex digits)')
            [CompletionResult]::new('--trace-id', '--trace-id', [CompletionResultType]::ParameterName, 'Only events of this trace (a W3C trace id: 32 hex digits)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only events of this kind: exact (job.dead) or a prefix ending in . or * (webhook.*)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d')
            [CompletionResult]::new('--after-id', '--after-id', [CompletionResultType]::ParameterName, 'Start after this event id instead of now (the id of the last event you saw)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;events;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List events, newest first (oldest first after --after-id)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;events;help;list' {
            break
        }
        'orchctl;events;help;tail' {
            break
        }
        'orchctl;events;help;help' {
            break
        }
        'orchctl;trace' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;webhooks' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;webhooks;sign' {
            [CompletionResult]::new('--secret-ref', '--secret-ref', [CompletionResultType]::ParameterName, 'The signing secret (whsec_…) as a SecretRef: env:NAME, file:/path or docker:NAME')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The event payload; its exact bytes are signed (''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The event payload; its exact bytes are signed (''-'' reads stdin)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Sign as of this unix time instead of now (to reproduce a signature)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the signing secret from stdin (one trailing newline is trimmed)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;webhooks;send' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant whose endpoint receives it [default: the server''s default tenant, POST /webhooks/stripe]')
            [CompletionResult]::new('--secret-ref', '--secret-ref', [CompletionResultType]::ParameterName, 'The signing secret (whsec_…) as a SecretRef: env:NAME, file:/path or docker:NAME')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The event payload; its exact bytes are signed (''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The event payload; its exact bytes are signed (''-'' reads stdin)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Sign as of this unix time instead of now (to reproduce a signature)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the signing secret from stdin (one trailing newline is trimmed)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;webhooks;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;webhooks;help;sign' {
            break
        }
        'orchctl;webhooks;help;send' {
            break
        }
        'orchctl;webhooks;help;help' {
            break
        }
        'orchctl;completion' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Base URL of the orchd API [default: the context''s]; a context''s credentials are only sent to its own server')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use from the config file instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Contexts file [default: ~/.config/orchctl/config.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, json otherwise]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also when NO_COLOR is set and not empty)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: answer yes to confirmations (a missing --reason is then an error)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request ids and timings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'orchctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to an orchd server with an operator API key and save it as a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored API key and token of the current context')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the operator you are authenticated as, its role and permissions')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'List the saved contexts or switch between them')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Validate, apply, diff, show and roll back a tenant''s config')
            [CompletionResult]::new('operators', 'operators', [CompletionResultType]::ParameterValue, 'Create, list and disable operators, and rotate their API keys')
            [CompletionResult]::new('clients', 'clients', [CompletionResultType]::ParameterValue, 'Create, list and delete a tenant''s API clients (client credentials)')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Look at jobs of any tenant')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'List, inspect, replay and purge dead jobs')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'List, inspect and replay received webhooks')
            [CompletionResult]::new('breakers', 'breakers', [CompletionResultType]::ParameterValue, 'List circuit breakers and reset them')
            [CompletionResult]::new('impersonate', 'impersonate', [CompletionResultType]::ParameterValue, 'Impersonate a tenant for a while (a tenant token), stop and list impersonations')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the operator audit log and verify its hash chain')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Read the event log, or follow it live')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Show everything recorded for one trace: webhook → job → runs, and its events')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Sign Stripe webhook payloads, and send them to orchd')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the completion script for SHELL to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orchctl;help;login' {
            break
        }
        'orchctl;help;logout' {
            break
        }
        'orchctl;help;whoami' {
            break
        }
        'orchctl;help;context' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (never their credentials)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context')
            break
        }
        'orchctl;help;context;list' {
            break
        }
        'orchctl;help;context;use' {
            break
        }
        'orchctl;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config document offline, with the validator orchd runs')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Store a config document as a new version, optionally activating it')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what would change: a document against the active version, or two versions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the active version of a tenant''s config (or another version) with its document')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a tenant''s config versions and the moves of its active version')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a stored version the active one')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Make an earlier version active again (asks to confirm unless --yes)')
            break
        }
        'orchctl;help;config;validate' {
            break
        }
        'orchctl;help;config;apply' {
            break
        }
        'orchctl;help;config;diff' {
            break
        }
        'orchctl;help;config;show' {
            break
        }
        'orchctl;help;config;history' {
            break
        }
        'orchctl;help;config;activate' {
            break
        }
        'orchctl;help;config;rollback' {
            break
        }
        'orchctl;help;operators' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an operator and print its API key (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List operators')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an operator: its keys and tokens stop working at once')
            [CompletionResult]::new('rotate-key', 'rotate-key', [CompletionResultType]::ParameterValue, 'Issue a new API key for an operator (shown only once) and revoke its older keys')
            break
        }
        'orchctl;help;operators;create' {
            break
        }
        'orchctl;help;operators;list' {
            break
        }
        'orchctl;help;operators;disable' {
            break
        }
        'orchctl;help;operators;rotate-key' {
            break
        }
        'orchctl;help;clients' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a client for a tenant and print its secret (shown only once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a tenant''s clients (never their secrets)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a client: its secret stops working at once')
            break
        }
        'orchctl;help;clients;create' {
            break
        }
        'orchctl;help;clients;list' {
            break
        }
        'orchctl;help;clients;delete' {
            break
        }
        'orchctl;help;jobs' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one job with its runs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first')
            break
        }
        'orchctl;help;jobs;get' {
            break
        }
        'orchctl;help;jobs;list' {
            break
        }
        'orchctl;help;dlq' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Show the depth and the oldest dead job of each queue')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job with its runs')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs and their payloads (asks to confirm unless --yes)')
            break
        }
        'orchctl;help;dlq;list' {
            break
        }
        'orchctl;help;dlq;stats' {
            break
        }
        'orchctl;help;dlq;show' {
            break
        }
        'orchctl;help;dlq;replay' {
            break
        }
        'orchctl;help;dlq;purge' {
            break
        }
        'orchctl;help;inbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List inbox rows, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one row with its jobs (and, with --payload, the body as received)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Process a row again: a new webhook job, the row back to `received`')
            break
        }
        'orchctl;help;inbox;list' {
            break
        }
        'orchctl;help;inbox;show' {
            break
        }
        'orchctl;help;inbox;replay' {
            break
        }
        'orchctl;help;breakers' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List circuit breakers as the answering node sees them')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Close a circuit breaker on every node, e.g. once its upstream is healthy again')
            break
        }
        'orchctl;help;breakers;list' {
            break
        }
        'orchctl;help;breakers;reset' {
            break
        }
        'orchctl;help;impersonate' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start impersonating a tenant: print a tenant token, or run a command with it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop an impersonation: its token is refused at once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List impersonations, newest first')
            break
        }
        'orchctl;help;impersonate;start' {
            break
        }
        'orchctl;help;impersonate;stop' {
            break
        }
        'orchctl;help;impersonate;list' {
            break
        }
        'orchctl;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, newest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the audit log''s hash chain (exit status 6 when it is broken or cut)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the chain''s head (<count>:<hash>) to record as an anchor for verify --expect-head')
            break
        }
        'orchctl;help;audit;list' {
            break
        }
        'orchctl;help;audit;verify' {
            break
        }
        'orchctl;help;audit;head' {
            break
        }
        'orchctl;help;events' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List events, newest first (oldest first after --after-id)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow events as they happen, like `tail -f`; reconnects and resumes by itself')
            break
        }
        'orchctl;help;events;list' {
            break
        }
        'orchctl;help;events;tail' {
            break
        }
        'orchctl;help;trace' {
            break
        }
        'orchctl;help;webhooks' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would')
            break
        }
        'orchctl;help;webhooks;sign' {
            break
        }
        'orchctl;help;webhooks;send' {
            break
        }
        'orchctl;help;completion' {
            break
        }
        'orchctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
