using System.Diagnostics;
using System.Net.Sockets;

namespace M2M.Testing;

/// <summary>
/// A real NATS server with JetStream (Debian package nats-server) on 127.0.0.1 and a free port,
/// with its own store folder, for one test. It can be stopped and started again on the same port
/// and store (a backend outage), and can require a user and password.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string? _user;
    private readonly string? _password;
    private Process? _process;

    private NatsServer(string directory, int port, string? user, string? password)
    {
        _directory = directory;
        Port = port;
        _user = user;
        _password = password;
    }

    public int Port { get; }

    /// <summary>The URL clients connect to.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts a server; with <paramref name="user"/> and <paramref name="password"/> it refuses anyone else.</summary>
    public static async Task<NatsServer> StartAsync(string? user = null, string? password = null)
    {
        var server = new NatsServer(Directory.CreateTempSubdirectory("m2m-nats-").FullName, LoopbackPort.Free(), user, password);
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server again (after <see cref="Stop"/>) on the same port and store.</summary>
    public async Task StartAgainAsync()
    {
        string[] arguments =
        [
            "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-js", "-sd", Path.Combine(_directory, "store"),
            .. _user != null ? new[] { "--user", _user, "--pass", _password! } : [],
        ];
        var process = Process.Start(new ProcessStartInfo("nats-server", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("nats-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Eventually.TrueAsync(AcceptsAsync, $"nats-server to listen on port {Port}", TimeSpan.FromSeconds(15)).ConfigureAwait(false);
    }

    /// <summary>Kills the server, as a crash or an outage would.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<bool> AcceptsAsync()
    {
        if (_process!.HasExited)
        {
            throw new InvalidOperationException($"nats-server exited with code {_process.ExitCode}");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
