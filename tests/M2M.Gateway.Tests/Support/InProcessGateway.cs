using System.Text.Json;
using M2M.Gateway.TestHost;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway with the stand-in identity seams, in the test process, on free loopback ports, with
/// a fresh data folder; the test controls its clock and its device registry.
/// </summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessGateway(WebApplication app, TestWorld world, int mqttPort, string dataDirectory, Uri baseAddress, TimeProvider time)
    {
        _app = app;
        Time = time;
        BaseAddress = baseAddress;
        World = world;
        MqttPort = mqttPort;
        DataDirectory = dataDirectory;
    }

    public TestWorld World { get; }

    /// <summary>The gateway's clock (the test's fake one, or the system's).</summary>
    public TimeProvider Time { get; }

    /// <summary>The HTTP address (/health, /metrics).</summary>
    public Uri BaseAddress { get; }

    public int MqttPort { get; }

    public string DataDirectory { get; }

    public TestDeviceDirectory Directory => _app.Services.GetRequiredService<TestDeviceDirectory>();

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<InProcessGateway> StartAsync(TestWorld world, TimeProvider? time = null, params string[] extraArguments)
    {
        var mqttPort = LoopbackPort.Free();
        var dataDirectory = System.IO.Directory.CreateTempSubdirectory("m2m-ingress-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        string[] args =
        [
            "--urls", baseAddress.ToString(),
            "--Gateway:DataDirectory", dataDirectory,
            "--Gateway:Mqtt:Port", mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            .. extraArguments,
        ];
        var app = TestGateway.Build(args, world, time);
        await app.StartAsync().ConfigureAwait(false);
        return new InProcessGateway(app, world, mqttPort, dataDirectory, baseAddress, time ?? TimeProvider.System);
    }

    public TestDevice Device(string id) => new(World, id, MqttPort, Time);

    /// <summary>A device connected with a fresh token valid for <paramref name="lifetime"/>.</summary>
    public async Task<TestDevice> ConnectAsync(string id, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        var device = Device(id);
        var result = await device.ConnectAsync(World.MintAccessToken(id, now, lifetime)).ConfigureAwait(false);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
        return device;
    }

    /// <summary>The events the JSON-lines sink wrote, once at least <paramref name="count"/> are there.</summary>
    public Task<IReadOnlyList<JsonElement>> FileEventsAsync(int count) => FileSink.ReadAsync(Path.Combine(DataDirectory, "telemetry.jsonl"), count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Reads the JSON-lines sink's file.</summary>
public static class FileSink
{
    /// <summary>Waits (up to 30 s) until the file holds at least <paramref name="count"/> whole lines, then returns them all.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var lines = File.Exists(path) ? ReadLines(path) : [];
            if (lines.Count >= count || DateTime.UtcNow > deadline)
            {
                return lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static List<string> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n').ToList();
    }
}
