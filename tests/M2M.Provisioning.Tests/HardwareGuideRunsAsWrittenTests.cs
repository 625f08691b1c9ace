using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Storage;
using M2M.Gateway.Tests.Support;
using M2M.Provisioning.Tests.Support;
using M2M.Testing;

namespace M2M.Provisioning.Tests;

/// <summary>
/// hardware.md's steps 3 to 6, as a new user types them from the repository root, against the built
/// gateway with HTTPS and its development CA and a stand-in nanoff on PATH. The commands are taken
/// from the guide itself; only what a test must change is changed: the host name gateway.lan becomes
/// localhost, the listening ports free ones, `dotnet run --project gateway/M2M.Gateway --` the built
/// gateway started from the same folder (the project sets RunWorkingDirectory so both start in the
/// folder the command was typed in), and `tail -f`, which never ends, is left out.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class HardwareGuideRunsAsWrittenTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("m2m-guide-").FullName;
    private readonly int _httpPort = LoopbackPort.Free();
    private readonly int _httpsPort = LoopbackPort.Free();
    private readonly int _mqttTlsPort = LoopbackPort.Free();
    private readonly int _mqttPort = LoopbackPort.Free();

    [SkippableTheory]
    [InlineData(StandInNanoff.VerbsVersion)]
    [InlineData(StandInNanoff.DashedVersion)]
    public async Task StepsThreeToSixRunAsWritten(string nanoffVersion)
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "hardware.md"));
        var step3 = BashBlocks(Section(guide, "### 3."));
        var start = Adapt(step3[0]);
        Assert.StartsWith("dotnet run --project gateway/M2M.Gateway -- ", step3[0].Replace("\\\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var script = new StringBuilder()
            .AppendLine("set -eu")
            .AppendLine(CultureInfo.InvariantCulture, $"m2m() {{ dotnet \"{M2mDll()}\" \"$@\"; }}")
            .AppendLine(Adapt(step3[1]))
            .AppendLine(Adapt(string.Join('\n', BashBlocks(Section(guide, "### 4.")))))
            .AppendLine(Adapt(string.Join('\n', BashBlocks(Section(guide, "### 5.")))))
            .AppendLine(Adapt(string.Join('\n', BashBlocks(Section(guide, "### 6."))
                .Select(block => string.Join('\n', block.Split('\n').Where(line => !line.StartsWith("tail -f ", StringComparison.Ordinal)))))))
            .ToString();

        // The image step 2 builds, where the guide says it is.
        var image = Path.Combine(_root, "firmware", "M2M.Device.Esp32", "bin", "Release", "M2M.Device.Esp32.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        await File.WriteAllBytesAsync(image, [1, 2, 3]);
        using var nanoff = new StandInNanoff(version: nanoffVersion);

        await using var gateway = await StartGatewayAsync(start);
        var run = await RunBashAsync(script, nanoff.Folder);

        Assert.True(run.ExitCode == 0, $"the guide's commands failed ({run.ExitCode}):\n{run.Output}\n--- script ---\n{script}\n--- gateway ---\n{gateway.Output}");
        Assert.Contains("sensor-0001", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "data", "admin.key")), "data/admin.key, where the guide reads it");

        // Flash, deploy, files, network: in the installed nanoff's syntax.
        var calls = nanoff.Calls;
        Assert.Equal(nanoffVersion == StandInNanoff.VerbsVersion ? 4 : 3, calls.Count);
        var credential = new CredentialStore(new HostFileStore(nanoff.CopyOfCall(calls.Count - 1))).Load();
        Assert.NotNull(credential);
        Assert.Equal("sensor-0001", credential.DeviceId);
        Assert.Equal($"https://localhost:{_httpsPort}/oauth2/token", credential.TokenEndpoint);
        Assert.Equal("localhost", credential.MqttHost);
        Assert.Equal(_mqttTlsPort, credential.MqttPort);
        Assert.True(credential.MqttTls);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_root, "m2m-dev-ca.pem")), credential.CaCertificatePem);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The guide's text, adapted to the test machine (see the class summary).</summary>
    private string Adapt(string commands) =>
        commands
            .Replace("gateway.lan", "localhost", StringComparison.Ordinal)
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace(":5443", ":" + _httpsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace(":5080", ":" + _httpPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("m2m device list", $"m2m --gateway http://127.0.0.1:{_httpPort} device list", StringComparison.Ordinal);

    private async Task<GatewayProcess> StartGatewayAsync(string command)
    {
        // The guide's own command line, after `--`, for the built gateway started in the same folder.
        var arguments = command.Replace("\\\n", " ", StringComparison.Ordinal);
        arguments = arguments[(arguments.IndexOf(" -- ", StringComparison.Ordinal) + 4)..];
        var list = ShellWords(arguments).ToList();
        list.AddRange(["--Gateway:Mqtt:Port", _mqttPort.ToString(CultureInfo.InvariantCulture), "--Gateway:Mqtt:TlsPort", _mqttTlsPort.ToString(CultureInfo.InvariantCulture)]);
        var urls = list[list.IndexOf("--urls") + 1].Split(';').Select(u => new Uri(u)).ToArray();
        list.RemoveRange(list.IndexOf("--urls"), 2);
        return await GatewayProcess.StartAsync(new GatewayProcess.Launch
        {
            Assembly = "M2M.Gateway.dll",
            DataDirectory = Path.Combine(_root, "data"),
            WorkingDirectory = _root,
            Urls = urls,
            Arguments = [.. list],
        });
    }

    private async Task<(int ExitCode, string Output)> RunBashAsync(string script, string nanoffFolder)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.Environment["PATH"] = nanoffFolder + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>The text from <paramref name="heading"/> to the next heading of the same level.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"hardware.md has no section '{heading}'");
        var end = markdown.IndexOf("\n### ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static List<string> BashBlocks(string section) =>
        [.. BashBlock().Matches(section).Select(m => m.Groups["body"].Value.TrimEnd())];

    /// <summary>Words of a command line as sh splits them (quotes removed); enough for the guide's commands.</summary>
    private static IEnumerable<string> ShellWords(string line) =>
        ShellWord().Matches(line).Select(m => m.Groups["q"].Success ? m.Groups["q"].Value : m.Value);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "hardware.md")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("hardware.md not found above the test's folder.");
    }

    /// <summary>The m2m the guide's alias names (step 1), built in the repository.</summary>
    private static string M2mDll()
    {
        var path = Path.Combine(RepositoryRoot(), "tools", "M2M.Cli", "bin", "Debug", "net10.0", "m2m.dll");
        return File.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, "m2m.dll");
    }

    [GeneratedRegex("```bash\\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("\"(?<q>[^\"]*)\"|[^\\s\"]+")]
    private static partial Regex ShellWord();
}
