using System.Globalization;
using System.Text;
using M2M.Testing;

namespace M2M.Bench.Servers;

/// <summary>
/// Mosquitto 2.0 (Debian package mosquitto) on 127.0.0.1 and a free port with a temporary
/// configuration: anonymous for throughput and idle connections, or a password file (hashed by
/// mosquitto_passwd -U) for the connection storm.
/// </summary>
public sealed class MosquittoServer : IDisposable
{
    private readonly string _directory;

    private MosquittoServer(ServerProcess process, string directory, int port)
    {
        Process = process;
        _directory = directory;
        Port = port;
    }

    public ServerProcess Process { get; }

    public int Port { get; }

    /// <summary>Starts Mosquitto; with <paramref name="users"/>, only they may connect (user name, password).</summary>
    public static async Task<MosquittoServer> StartAsync(IReadOnlyList<(string User, string Password)>? users = null)
    {
        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("m2m-bench-mosquitto-").FullName;
        var config = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1\n")
            // Started as root, mosquitto would switch to the user "mosquitto", who cannot read the
            // private temporary folder holding the password file: stay the user who started it.
            .Append(CultureInfo.InvariantCulture, $"user {Environment.UserName}\n")
            .Append("persistence false\n")
            .Append("max_inflight_messages 0\n")
            .Append("max_queued_messages 100000\n")
            .Append("log_type error\n");
        if (users == null)
        {
            config.Append("allow_anonymous true\n");
        }
        else
        {
            var passwords = Path.Combine(directory, "passwords");
            await File.WriteAllLinesAsync(passwords, users.Select(u => $"{u.User}:{u.Password}")).ConfigureAwait(false);
            await RunAsync("mosquitto_passwd", ["-U", passwords]).ConfigureAwait(false);
            config.Append("allow_anonymous false\n").Append(CultureInfo.InvariantCulture, $"password_file {passwords}\n");
        }

        var configPath = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config.ToString()).ConfigureAwait(false);
        var process = ServerProcess.Start("mosquitto", "mosquitto", ["-c", configPath], directory);
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

    public void Dispose()
    {
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
