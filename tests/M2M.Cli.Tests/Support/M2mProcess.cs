using System.Diagnostics;

namespace M2M.Cli.Tests.Support;

/// <summary>What one run of <c>m2m</c> did.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>Runs the built <c>m2m</c> (m2m.dll next to the tests) as a process, as a user or a script would.</summary>
public static class M2mProcess
{
    /// <summary>Runs <c>m2m</c> with <paramref name="arguments"/>; M2M_* variables are cleared unless given in <paramref name="environment"/>.</summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunWithInputAsync(environment, null, arguments);

    /// <summary>
    /// Runs <c>m2m</c> with <paramref name="input"/> on its standard input (closed after it; an
    /// empty one when null), as <c>m2m ... &lt; file</c> would.
    /// </summary>
    public static async Task<CliResult> RunWithInputAsync(IReadOnlyDictionary<string, string>? environment, string? input, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "m2m.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "M2M_GATEWAY", "M2M_ADMIN_KEY", "M2M_DEVICE_SECRET" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("m2m did not start");
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    public static Task<CliResult> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    /// <summary>Runs <c>m2m</c> against <paramref name="gateway"/> with its admin key file, <paramref name="input"/> on standard input.</summary>
    public static Task<CliResult> RunAgainstAsync(M2M.Gateway.Tests.Support.AdminGateway gateway, string? input, params string[] arguments) =>
        RunWithInputAsync(null, input, ["--gateway", gateway.Process.BaseAddress.ToString(), "--admin-key-file", Path.Combine(gateway.DataDirectory, M2M.Gateway.Tests.Support.AdminGateway.KeyFileName), .. arguments]);
}
