using System.CommandLine;
using Spectre.Console;

namespace M2M.Cli.Common;

/// <summary>The options every command accepts (recursive on the root), and how a command runs.</summary>
public static class GlobalOptions
{
    /// <summary>Where the gateway's admin API is.</summary>
    public static readonly Option<string> Gateway = new("--gateway")
    {
        Description = "The gateway's base URL (env M2M_GATEWAY; default http://127.0.0.1:5080).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("M2M_GATEWAY") is { Length: > 0 } url ? url : "http://127.0.0.1:5080",
    };

    /// <summary>The admin API key.</summary>
    public static readonly Option<string?> AdminKey = new("--admin-key")
    {
        Description = "The admin API key (env M2M_ADMIN_KEY). Prefer --admin-key-file or the environment: a command line is visible to other users.",
        Recursive = true,
    };

    /// <summary>A file holding the admin API key.</summary>
    public static readonly Option<FileInfo?> AdminKeyFile = new("--admin-key-file")
    {
        Description = "A file that holds the admin API key (for example the gateway's Gateway:Admin:InitialKeyFile).",
        Recursive = true,
    };

    /// <summary>Machine-readable output.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON instead of tables, for scripts.",
        Recursive = true,
    };

    /// <summary>Adds the global options to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Gateway);
        root.Options.Add(AdminKey);
        root.Options.Add(AdminKeyFile);
        root.Options.Add(Json);
    }

    /// <summary>
    /// Runs a command's work: a <see cref="CliException"/> or a network failure becomes one line on
    /// stderr ("m2m: ...") and its exit code, never a stack trace.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Run(Func<CommandContext, Task> work) => async (parseResult, cancellationToken) =>
    {
        var context = new CommandContext(parseResult, cancellationToken);
        try
        {
            await work(context).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync("m2m: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (HttpRequestException e)
        {
            // The inner exception says why (a certificate chain that does not end at a trusted CA, say).
            var why = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            var hint = e.InnerException is System.Security.Authentication.AuthenticationException
                ? " (a gateway with its development CA: pass that CA with --ca-cert where the command has it)"
                : string.Empty;
            await context.Error.WriteLineAsync($"m2m: cannot reach the gateway: {why}{hint}").ConfigureAwait(false);
            return ExitCodes.Unreachable;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("m2m: the gateway did not answer in time").ConfigureAwait(false);
            return ExitCodes.Unreachable;
        }
    };
}

/// <summary>What a running command has at hand: its parse result, output writers and console.</summary>
public sealed class CommandContext(ParseResult parseResult, CancellationToken cancellationToken)
{
    public ParseResult ParseResult { get; } = parseResult;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TextWriter Output => ParseResult.InvocationConfiguration.Output;

    public TextWriter Error => ParseResult.InvocationConfiguration.Error;

    public bool Json => ParseResult.GetValue(GlobalOptions.Json);

    public Uri GatewayUrl => HttpUrl(ParseResult.GetValue(GlobalOptions.Gateway), "--gateway");

    /// <summary>An absolute http(s) URL from an option's text.</summary>
    public static Uri HttpUrl(string? text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new CliException(ExitCodes.Usage, $"{option} must be an http:// or https:// URL, not '{text}'");

    /// <summary>A Spectre.Console console over <see cref="Output"/>, for tables.</summary>
    public IAnsiConsole Console
    {
        get
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) });
            if (System.Console.IsOutputRedirected)
            {
                // Piped or captured: no terminal width to fit, so rows are not wrapped.
                console.Profile.Width = 240;
            }

            return console;
        }
    }

    /// <summary>The admin key from --admin-key, --admin-key-file or M2M_ADMIN_KEY, in that order.</summary>
    public string AdminKey()
    {
        if (ParseResult.GetValue(GlobalOptions.AdminKey) is { Length: > 0 } key)
        {
            return key.Trim();
        }

        if (ParseResult.GetValue(GlobalOptions.AdminKeyFile) is { } file)
        {
            try
            {
                return File.ReadAllText(file.FullName).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.NoAdminKey, $"cannot read the admin key file {file.FullName}: {e.Message}");
            }
        }

        return Environment.GetEnvironmentVariable("M2M_ADMIN_KEY") is { Length: > 0 } fromEnvironment
            ? fromEnvironment.Trim()
            : throw new CliException(ExitCodes.NoAdminKey, "no admin key: pass --admin-key-file <path> or --admin-key <key>, or set M2M_ADMIN_KEY");
    }
}
