using System.Diagnostics;
using M2M.Cli.Common;

namespace M2M.Cli.Provisioning;

/// <summary>
/// Finds and runs nanoff, the nanoFramework firmware flasher (a .NET tool,
/// https://github.com/nanoframework/nanoFirmwareFlasher). Only options nanoff really has are used:
/// <c>--target --serialport --update --masserase --fwversion --deploy --image --filedeployment
/// --networkdeployment</c>.
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
    public async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, CancellationToken cancellationToken)
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

        await output.WriteLineAsync($"  $ nanoff {string.Join(' ', arguments)}").ConfigureAwait(false);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("nanoff did not start.");
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, TextWriter output)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await output.WriteLineAsync("    " + line).ConfigureAwait(false);
        }
    }
}
