using System.Text.Json;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway with the stand-in identity seams, in the test process, on free loopback ports, with
/// a fresh data folder; the test controls its clock and its device registry.
/// </summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly GatewayHost _host;

    private readonly TimeProvider? _clock;

    private InProcessGateway(GatewayHost host, TestWorld world, TimeProvider? clock)
    {
        _host = host;
        _clock = clock;
        World = world;
    }

    public TestWorld World { get; }

    /// <summary>The gateway's clock (the test's fake one, or the system's).</summary>
    public TimeProvider Time => _clock ?? TimeProvider.System;

    /// <summary>The HTTP address (/health, /metrics).</summary>
    public Uri BaseAddress => _host.BaseAddress;

    public int MqttPort => _host.MqttPort;

    public string DataDirectory => _host.DataDirectory;

    public TestDeviceDirectory Directory => Service<TestDeviceDirectory>();

    public T Service<T>() where T : notnull => _host.Service<T>();

    public static async Task<InProcessGateway> StartAsync(TestWorld world, TimeProvider? time = null, params string[] extraArguments) =>
        new(await GatewayHost.StartAsync(args => TestGateway.Build(args, world, time), null, https: false, extraArguments).ConfigureAwait(false), world, time);

    /// <summary>A device of the world; its messages carry the test's clock, if it set one (<see cref="TestDevice.Now"/>).</summary>
    public TestDevice Device(string id) => new(World, id, MqttPort, clock: _clock);

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

    /// <summary>One scrape of /metrics.</summary>
    public Task<MetricsScrape> MetricsAsync() => MetricsScrape.ReadAsync(BaseAddress);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

/// <summary>Reads the JSON-lines sink's file.</summary>
public static class FileSink
{
    /// <summary>Waits until the file holds at least <paramref name="count"/> whole lines, then returns them all; fails the test otherwise.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(string path, int count)
    {
        var lines = await Eventually.ValueAsync(() => File.Exists(path) ? ReadLines(path) : [], l => l.Count >= count, $"{count} line(s) in {path}").ConfigureAwait(false);
        return lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
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
