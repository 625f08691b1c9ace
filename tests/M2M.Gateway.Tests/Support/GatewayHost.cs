using System.Globalization;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// What every in-process gateway of the tests shares, whatever parts it composes: free loopback
/// ports (HTTP, optionally HTTPS, MQTT, MQTT over TLS), a data folder (a fresh one, removed on
/// dispose, or the test's own, kept for a restart), start and stop.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDirectory;

    private GatewayHost(WebApplication app, string dataDirectory, bool ownsDirectory, Uri baseAddress, Uri? httpsAddress, int mqttPort, int mqttTlsPort)
    {
        _app = app;
        _ownsDirectory = ownsDirectory;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        HttpsAddress = httpsAddress;
        MqttPort = mqttPort;
        MqttTlsPort = mqttTlsPort;
    }

    /// <summary>The plain HTTP address (/health, /metrics, the token endpoint when composed).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The HTTPS address, when asked for.</summary>
    public Uri? HttpsAddress { get; }

    public int MqttPort { get; }

    public int MqttTlsPort { get; }

    public string DataDirectory { get; }

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>
    /// Builds the gateway with <paramref name="build"/> from the command line this host makes (its
    /// ports and data folder, then <paramref name="extraArguments"/>, which win) and starts it.
    /// </summary>
    public static async Task<GatewayHost> StartAsync(Func<string[], WebApplication> build, string? dataDirectory, bool https, IEnumerable<string> extraArguments)
    {
        var ownsDirectory = dataDirectory == null;
        dataDirectory ??= Directory.CreateTempSubdirectory("m2m-gateway-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var httpsAddress = https ? new Uri($"https://127.0.0.1:{LoopbackPort.Free()}") : null;
        var mqttPort = LoopbackPort.Free();
        var mqttTlsPort = LoopbackPort.Free();
        string[] args =
        [
            "--urls", httpsAddress == null ? baseAddress.ToString() : $"{baseAddress};{httpsAddress}",
            "--Gateway:DataDirectory", dataDirectory,
            "--Gateway:Mqtt:Port", mqttPort.ToString(CultureInfo.InvariantCulture),
            "--Gateway:Mqtt:TlsPort", mqttTlsPort.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            .. extraArguments,
        ];
        var host = new GatewayHost(build(args), dataDirectory, ownsDirectory, baseAddress, httpsAddress, mqttPort, mqttTlsPort);
        try
        {
            await host._app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentNullException)
        {
            // It never started (a hosted service failed to be created: the host has none to stop).
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is cleaned by the OS eventually.
            }
        }
    }
}
