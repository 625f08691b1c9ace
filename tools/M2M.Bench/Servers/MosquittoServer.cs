using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using M2M.Testing;

namespace M2M.Bench.Servers;

/// <summary>
/// Mosquitto 2.0 (Debian package mosquitto) as a user would deploy it next to the gateway, on
/// 127.0.0.1 and a free port: persistence on, password authentication (a password file hashed by
/// mosquitto_passwd -U), an ACL that grants each device what the gateway's default authorization grants
/// (docs/ingress.md, Authorization), QoS 1, and its sink a separate subscriber process
/// (<c>mosquitto_sub</c>) that writes every message of <c>devices/+/telemetry</c> to a file.
/// </summary>
public sealed class MosquittoServer : IDisposable
{
    /// <summary>The sink subscriber's user name and client id.</summary>
    public const string SinkUser = "bench-sink";

    private readonly string _directory;

    private MosquittoServer(ServerProcess process, string directory, int port)
    {
        Process = process;
        _directory = directory;
        Port = port;
    }

    public ServerProcess Process { get; }

    /// <summary>The subscriber writing the sink file; null until <see cref="StartSinkAsync"/>.</summary>
    public ServerProcess? Sink { get; private set; }

    public int Port { get; }

    /// <summary>The file the sink subscriber writes: one line per message, the payload in hexadecimal.</summary>
    public string SinkFile => Path.Combine(_directory, "telemetry.hex");

    /// <summary>Starts Mosquitto; only <paramref name="users"/> (and the sink) may connect.</summary>
    public static async Task<MosquittoServer> StartAsync(IReadOnlyList<(string User, string Password)> users)
    {
        var port = LoopbackPort.Free();
        var directory = ChildProcesses.CreateFolder("m2m-bench-mosquitto-");
        var sinkPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var passwords = Path.Combine(directory, "passwords");
        await File.WriteAllLinesAsync(passwords, users.Select(u => $"{u.User}:{u.Password}").Append($"{SinkUser}:{sinkPassword}")).ConfigureAwait(false);
        await RunAsync("mosquitto_passwd", ["-U", passwords]).ConfigureAwait(false);
        var acl = Path.Combine(directory, "acl");
        await File.WriteAllTextAsync(acl, string.Join('\n',
            $"user {SinkUser}",
            "topic read devices/+/telemetry",
            "pattern write devices/%u/telemetry",
            "pattern write devices/%u/telemetry/+",
            "pattern write devices/%u/auth",
            "pattern read devices/%u/commands/#",
            "")).ConfigureAwait(false);
        // The sink's password goes in mosquitto_sub's options file, not on its command line.
        Directory.CreateDirectory(Path.Combine(directory, "client"));
        await File.WriteAllTextAsync(Path.Combine(directory, "client", "mosquitto_sub"), $"-P {sinkPassword}\n").ConfigureAwait(false);

        var config = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1\n")
            // Started as root, mosquitto would switch to the user "mosquitto", who cannot read the
            // private temporary folder holding the password file: stay the user who started it.
            .Append(CultureInfo.InvariantCulture, $"user {Environment.UserName}\n")
            .Append("persistence true\n")
            .Append(CultureInfo.InvariantCulture, $"persistence_location {directory}/\n")
            .Append("allow_anonymous false\n")
            .Append(CultureInfo.InvariantCulture, $"password_file {passwords}\n")
            .Append(CultureInfo.InvariantCulture, $"acl_file {acl}\n")
            // Tuned for throughput and latency, so the gateway is compared with Mosquitto at its best:
            // no limit on QoS 1 messages in flight to the subscriber, a queue large enough that it never
            // drops a message for a slow subscriber, Nagle off as the gateway has it.
            .Append("max_inflight_messages 0\n")
            .Append("max_queued_messages 10000000\n")
            .Append("set_tcp_nodelay true\n")
            .Append("log_type error\n");
        var configPath = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config.ToString()).ConfigureAwait(false);
        // Mosquitto does not raise its own descriptor limit: 10,000 idle clients need the hard limit.
        var process = ServerProcess.Start("mosquitto", "/bin/sh", ["-c", "ulimit -n \"$(ulimit -Hn)\"; exec mosquitto -c \"$0\"", configPath], directory);
        var server = new MosquittoServer(process, directory, port);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Starts the sink: <c>mosquitto_sub</c>, a persistent MQTT 5 session (-c) subscribed at QoS 1,
    /// writing each payload as one hexadecimal line (it flushes after every message) to <see cref="SinkFile"/>.
    /// </summary>
    public async Task StartSinkAsync()
    {
        string[] arguments =
        [
            "-c", "exec mosquitto_sub \"$@\" > \"$0\"", SinkFile,
            "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-i", SinkUser, "-u", SinkUser, "-c", "-q", "1", "--nodelay",
            "-t", "devices/+/telemetry", "-F", "%x",
        ];
        Sink = ServerProcess.Start("mosquitto_sub", "/bin/sh", arguments, _directory, new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = Path.Combine(_directory, "client") });
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!File.Exists(SinkFile))
        {
            if (Sink.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"mosquitto_sub did not start:{Environment.NewLine}{Sink.RecentOutput}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        // Its CONNECT and SUBSCRIBE take milliseconds on loopback; from then on its persistent session
        // keeps every message for it. A message lost before that would show as delivered < acknowledged.
        await Task.Delay(500).ConfigureAwait(false);
        if (Sink.HasExited)
        {
            throw new InvalidOperationException($"mosquitto_sub exited:{Environment.NewLine}{Sink.RecentOutput}");
        }
    }

    public void Dispose()
    {
        Sink?.Dispose();
        Process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string fileName, string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(fileName, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{fileName} did not start");
        var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} failed: {error}");
        }
    }
}
