using System.Diagnostics;
using M2M.Cli.Common;

namespace M2M.Cli.Provisioning;

/// <summary>
/// Finds and runs nanoff, the nanoFramework firmware flasher (a .NET tool,
/// https://github.com/nanoframework/nanoFirmwareFlasher). Its command line changed with 3.0:
/// <see cref="DetectSyntaxAsync"/> asks the installed one its version and <see cref="NanoffSyntax"/>
/// builds the matching arguments.
/// </summary>
public sealed class Nanoff
{
    private Nanoff(string path)
    {
        Path = path;
    }

    /// <summary>The executable that is run.</summary>
    public string Path { get; }

    /// <summary>How to install nanoff, printed when it is missing.</summary>
    public static string InstallHint =>
        "nanoff (the nanoFramework firmware flasher) was not found. Install it with\n" +
        "    dotnet tool install -g nanoff\n" +
        "and make sure ~/.dotnet/tools is on your PATH (or pass --nanoff <path to nanoff>).";

    /// <summary>The nanoff given with --nanoff, else the first on PATH; fails with the install hint when there is none.</summary>
    public static Nanoff Require(string? explicitPath) =>
        Find(explicitPath) ?? throw new CliException(ExitCodes.NanoffMissing, InstallHint);

    /// <summary>The nanoff given with --nanoff, else the first on PATH; null when there is none.</summary>
    public static Nanoff? Find(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? new Nanoff(System.IO.Path.GetFullPath(explicitPath)) : null;
        }

        var names = OperatingSystem.IsWindows() ? new[] { "nanoff.exe", "nanoff.cmd" } : new[] { "nanoff" };
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in directories)
        {
            foreach (var name in names)
            {
                var candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return new Nanoff(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Runs <c>nanoff --version</c> (both syntaxes have it) and returns the syntax of that version;
    /// fails when it does not run or prints no version.
    /// </summary>
    public async Task<NanoffSyntax> DetectSyntaxAsync(CancellationToken cancellationToken)
    {
        using var printed = new StringWriter();
        int exit;
        try
        {
            // Both pumps (stdout, stderr) write at once.
            exit = await RunAsync(["--version"], TextWriter.Synchronized(printed), cancellationToken, echo: false).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException(ExitCodes.NanoffFailed, $"{Path} could not be run: {e.Message}");
        }

        return (exit == 0 ? NanoffSyntax.FromVersionOutput(printed.ToString()) : null)
            ?? throw new CliException(ExitCodes.NanoffFailed,
                $"'{Path} --version' printed no version (exit code {exit}); update nanoff with: dotnet tool update -g nanoff");
    }

    /// <summary>Runs each of <paramref name="runs"/> in order; the first failure fails the command with <paramref name="hint"/>.</summary>
    public async Task RunAllOrFailAsync(IReadOnlyList<IReadOnlyList<string>> runs, TextWriter output, string hint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
        {
            await RunOrFailAsync(run, output, hint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs nanoff; a non-zero exit fails the command with <paramref name="hint"/>.</summary>
    public async Task RunOrFailAsync(IReadOnlyList<string> arguments, TextWriter output, string hint, CancellationToken cancellationToken)
    {
        var exit = await RunAsync(arguments, output, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new CliException(ExitCodes.NanoffFailed, $"nanoff failed (exit code {exit}). {hint}");
        }
    }

    /// <summary>Runs nanoff with <paramref name="arguments"/>, passing its output through; returns its exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, CancellationToken cancellationToken, bool echo = true)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (echo)
        {
            await output.WriteLineAsync($"  $ nanoff {string.Join(' ', arguments)}").ConfigureAwait(false);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("nanoff did not start.");
        var stdout = PumpAsync(process.StandardOutput, output, echo);
        var stderr = PumpAsync(process.StandardError, output, echo);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, TextWriter output, bool indent)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await output.WriteLineAsync(indent ? "    " + line : line).ConfigureAwait(false);
        }
    }
}
