using System;
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using M2M.Device.Core.Platform;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// <see cref="IMqttTransport"/> over MQTTnet's client, for the host build (simulator, tests,
/// benchmarks). MQTTnet is asynchronous and the device interface is synchronous like nanoFramework's
/// M2Mqtt, so Connect blocks on ConnectAsync with a timeout (sync over async: this runs on the
/// session's own thread, never on a synchronization context), and Publish starts PublishAsync and
/// returns at once, reporting the PUBACK through the listener when the task completes. The packet id
/// returned is this adapter's own number for the publish (MQTTnet assigns the wire id internally).
/// Keep-alive (PINGREQ) is MQTTnet's job.
/// </summary>
public sealed class MqttNetTransport : IMqttTransport, IDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly X509Certificate2? _caCertificate;
    private readonly TimeSpan _timeout;
    private readonly IMqttClient _client;
    private IMqttTransportListener? _listener;
    private int _lastPacketId;

    // Incremented at each connect and own disconnect, so publish completions of an earlier
    // connection are not reported against the current one.
    private int _generation;
    private int _ownDisconnects;

    /// <summary>
    /// A transport to <paramref name="host"/>:<paramref name="port"/>; TLS when <paramref name="caCertificate"/>
    /// is given (the server's certificate must chain to it). <paramref name="timeout"/> bounds CONNECT and each PUBLISH.
    /// </summary>
    public MqttNetTransport(string host, int port, X509Certificate2? caCertificate, TimeSpan timeout)
    {
        _host = host;
        _port = port;
        _caCertificate = caCertificate;
        _timeout = timeout;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
    }

    /// <inheritdoc />
    public void SetListener(IMqttTransportListener listener) => _listener = listener;

    /// <inheritdoc />
    public int Connect(string clientId, string userName, string password, int keepAliveSeconds)
    {
        Interlocked.Increment(ref _generation);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_host, _port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCredentials(userName, password)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(keepAliveSeconds))
            .WithTimeout(_timeout);
        if (_caCertificate != null)
        {
            builder = builder.WithTlsOptions(tls => tls.UseTls().WithTrustChain([_caCertificate]));
        }

        try
        {
            using var cancel = new CancellationTokenSource(_timeout);
            var result = _client.ConnectAsync(builder.Build(), cancel.Token).GetAwaiter().GetResult();
            return (int)result.ResultCode;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return MqttCodes.NetworkError;
        }
    }

    /// <inheritdoc />
    public ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues)
    {
        if (!_client.IsConnected)
        {
            return 0;
        }

        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (contentType != null)
        {
            builder = builder.WithContentType(contentType);
        }

        if (propertyNames != null && propertyValues != null)
        {
            for (var i = 0; i < propertyNames.Length; i++)
            {
                builder = builder.WithUserProperty(propertyNames[i], Encoding.UTF8.GetBytes(propertyValues[i]));
            }
        }

        var packetId = NextPacketId();
        var generation = Volatile.Read(ref _generation);
        _ = CompletePublishAsync(builder.Build(), packetId, generation);
        return packetId;
    }

    /// <inheritdoc />
    public bool Subscribe(string topic)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        try
        {
            using var cancel = new CancellationTokenSource(_timeout);
            var options = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build();
            _client.SubscribeAsync(options, cancel.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        // PUBACKs still pending on the connection we close ourselves are not reported.
        Interlocked.Increment(ref _generation);
        if (!_client.IsConnected)
        {
            return;
        }

        Interlocked.Increment(ref _ownDisconnects);
        try
        {
            using var cancel = new CancellationTokenSource(_timeout);
            _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is gone either way.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task CompletePublishAsync(MqttApplicationMessage message, ushort packetId, int generation)
    {
        int reasonCode;
        try
        {
            using var cancel = new CancellationTokenSource(_timeout);
            var result = await _client.PublishAsync(message, cancel.Token).ConfigureAwait(false);
            reasonCode = (int)result.ReasonCode;
        }
        catch (Exception ex) when (ex is MqttClientUnexpectedDisconnectReceivedException or MqttClientDisconnectedException)
        {
            // The connection ended while this PUBLISH awaited its PUBACK. MQTTnet fails the pending
            // publishes before it raises DisconnectedAsync; reporting a lost PUBACK now would reach the
            // session before the DISCONNECT's reason code (docs/protocol.md section 9.4), which must decide
            // (0x95 drops a message, 0x98 revokes the token). OnDisconnectedAsync reports the end.
            return;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            reasonCode = MqttCodes.NotAcknowledged;
        }

        if (generation == Volatile.Read(ref _generation))
        {
            _listener?.OnPublishAcknowledged(packetId, reasonCode);
        }
    }

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        _listener?.OnMessageReceived(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // MQTTnet raises this event on a pool thread after the fact, possibly after the next Connect, so
        // it is matched by count, not by time: each own Disconnect of a live connection produces exactly
        // one event, which is not reported (IMqttTransport.Disconnect). A failed CONNECT is reported by
        // Connect's return value.
        if (!e.ClientWasConnected || TryConsumeOwnDisconnect())
        {
            return Task.CompletedTask;
        }

        // A server DISCONNECT carries its reason code (MQTT 5 section 3.14.2.1); a connection that just
        // broke is reported by MQTTnet as NormalDisconnection, which the gateway never sends.
        _listener?.OnConnectionClosed(e.Reason == MqttClientDisconnectReason.NormalDisconnection ? MqttCodes.NetworkError : (int)e.Reason);
        return Task.CompletedTask;
    }

    private bool TryConsumeOwnDisconnect()
    {
        while (true)
        {
            var pending = Volatile.Read(ref _ownDisconnects);
            if (pending == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _ownDisconnects, pending - 1, pending) == pending)
            {
                return true;
            }
        }
    }

    private ushort NextPacketId()
    {
        // 1..65535, never 0 (MQTT 5 section 2.2.1), as IMqttTransport promises.
        var next = Interlocked.Increment(ref _lastPacketId);
        return (ushort)(((next - 1) % ushort.MaxValue) + 1);
    }

    /// <summary>For logs: the endpoint, never the credentials.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"mqtt{(_caCertificate != null ? "s" : string.Empty)}://{_host}:{_port}");
}
