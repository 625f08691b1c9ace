using System.Net;
using System.Security.Cryptography.X509Certificates;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Metrics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// The MQTT 5 listeners (docs/ingress.md, "Broker"): a Kestrel server of their own, apart from the
/// HTTP one so that the gateway's <c>Urls</c> stay as ASP.NET Core users expect, on plain TCP and,
/// with a certificate, on TLS. Kestrel brings the socket transport (zero-byte reads: an idle
/// connection holds no receive buffer), System.IO.Pipelines, its memory pool and its TLS with a
/// handshake timeout; <see cref="MqttConnection"/> speaks MQTT. Each connection passes, in order:
/// the unauthenticated-connection limit (before any TLS work), TLS, then MQTT.
/// </summary>
internal sealed partial class MqttListener(
    IServiceProvider services,
    IOptions<MqttIngressOptions> options,
    ILogger<MqttListener> logger) : IHostedService, IAsyncDisposable
{
    private readonly MqttIngressOptions _options = options.Value;
    private KestrelServer? _server;
    private MqttEndpoint? _endpoint;

    /// <summary>Starts listening when the seams it needs are registered (docs/ingress.md, "Seams").</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        var missing = MqttIngressExtensions.MissingSeams(services);
        if (missing.Count > 0)
        {
            LogDisabled(string.Join(", ", missing));
            return;
        }

        var endpoint = ActivatorUtilities.CreateInstance<MqttEndpoint>(services);
        var limits = endpoint.Limits;
        var metrics = services.GetRequiredService<GatewayMetrics>();
        metrics.Observe("m2m_mqtt_connections", "MQTT network connections open now.", () => endpoint.Monitor.Count);
        metrics.Observe("m2m_mqtt_unauthenticated_connections", "MQTT connections accepted and not yet authenticated.", () => limits.Unauthenticated);

        var kestrel = new KestrelServerOptions { ApplicationServices = services };
        var address = IPAddress.Parse(_options.BindAddress);
        if (_options.Port > 0)
        {
            kestrel.Listen(address, _options.Port, listen => Configure(listen, endpoint, null));
        }

        var certificate = _options.TlsPort > 0 ? Certificate() : null;
        if (certificate != null)
        {
            kestrel.Listen(address, _options.TlsPort, listen => Configure(listen, endpoint, certificate));
        }

        // An unauthenticated connection can make Kestrel buffer at most this much of what it sends
        // (MaxReadBufferSize is the input pipe's pause threshold); it must hold one whole packet.
        // Kestrel's own logging is left out: it opens a logging scope per connection (memory held by
        // every idle connection) for events MqttConnection logs itself, with the device's id.
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions
        {
            MaxReadBufferSize = Math.Max(2L * _options.MaxPacketBytes, 64 * 1024),
        }), NullLoggerFactory.Instance);
        var server = new KestrelServer(Options.Create(kestrel), transport, NullLoggerFactory.Instance);
        await server.StartAsync(new NoHttpApplication(), cancellationToken).ConfigureAwait(false);
        _server = server;
        _endpoint = endpoint;
        LogListening(_options.BindAddress, _options.Port, certificate == null ? 0 : _options.TlsPort);
    }

    /// <summary>
    /// Stops accepting, then ends every connection with DISCONNECT 0x8B (Server shutting down, MQTT 5
    /// section 3.14.2.1): devices resend what was not acknowledged to the next gateway.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_endpoint != null)
        {
            foreach (var connection in _endpoint.Monitor.Connections)
            {
                connection.Close(ReasonCode.ServerShuttingDown, "server_shutting_down");
            }
        }

        if (_server != null)
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _server?.Dispose();
        if (_endpoint != null)
        {
            await _endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Configure(ListenOptions listen, MqttEndpoint endpoint, X509Certificate2? certificate)
    {
        var limits = endpoint.Limits;
        listen.Use(next => async context =>
        {
            // Before TLS: a flood of connections that never authenticate costs no handshakes.
            if (!limits.TryEnterUnauthenticated())
            {
                endpoint.Metrics.ConnectionDropped("unauthenticated_limit");
                context.Abort();
                return;
            }

            var lease = new UnauthenticatedLease(limits);
            context.Features.Set(lease);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                lease.Release();
            }
        });
        if (certificate != null)
        {
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,

                // The TLS handshake is bounded like the CONNECT: a silent socket or a half-sent
                // ClientHello holds a connection only this long.
                HandshakeTimeout = _options.CommunicationTimeout,
            });
        }

        listen.Run(context => new MqttConnection(endpoint, context, context.Features.Get<UnauthenticatedLease>()!).RunAsync());
    }

    /// <summary>
    /// The TLS listener's certificate: the configured file, else the gateway's own (docs/tokens.md,
    /// "HTTPS": the operator's or one from the development CA), else none (TLS off).
    /// </summary>
    private X509Certificate2? Certificate()
    {
        var path = _options.CertificatePath;
        if (string.IsNullOrEmpty(path))
        {
            return services.GetService<GatewayCertificate>()?.Server;
        }

        // For a PEM certificate, CertificatePassword names its private-key file.
        var pem = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);
        return GatewayCertificate.LoadCertificate(path, pem ? _options.CertificatePassword : null, pem ? null : _options.CertificatePassword);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT ingress disabled: no implementation registered for {Seams} (see docs/ingress.md, \"Seams\")")]
    private partial void LogDisabled(string seams);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT ingress listening on {Address}, port {Port}, TLS port {TlsPort} (0 = off)")]
    private partial void LogListening(string address, int port, int tlsPort);

    /// <summary>Kestrel requires an HTTP application; these endpoints run connection delegates only.</summary>
    private sealed class NoHttpApplication : IHttpApplication<object>
    {
        public object CreateContext(IFeatureCollection contextFeatures) => throw new NotSupportedException("The MQTT listener serves no HTTP.");

        public void DisposeContext(object context, Exception? exception)
        {
        }

        public Task ProcessRequestAsync(object context) => Task.CompletedTask;
    }
}
