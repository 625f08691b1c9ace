using System.Diagnostics;
using System.Net.Sockets;
using M2M.Testing;

namespace M2M.Device.Mqtt.Tests;

/// <summary>A real Mosquitto broker (Debian package mosquitto) on 127.0.0.1 and a free port, for one test.</summary>
public sealed class MosquittoBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private MosquittoBroker(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MosquittoBroker> StartAsync()
    {
        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("m2m-mosquitto-").FullName;
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n");
        var process = Process.Start(new ProcessStartInfo("mosquitto", ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new MosquittoBroker(process, directory, port);
        await broker.WaitUntilListeningAsync();
        return broker;
    }

    /// <summary>Kills the broker, as a crash or a pulled cable would end the connection.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task WaitUntilListeningAsync() =>
        Eventually.TrueAsync(AcceptsAsync, $"mosquitto to listen on port {Port}", TimeSpan.FromSeconds(10));

    private async Task<bool> AcceptsAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"mosquitto exited with code {_process.ExitCode}");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
