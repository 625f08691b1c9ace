using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace M2M.Gateway.Relay.Nats;

/// <summary>
/// Publishes each record to NATS JetStream (docs/sinks.md, "NATS JetStream") on the subject
/// <c>{prefix}.{tenant}.{device}.{stream}</c>, as a CloudEvent in binary or structured mode
/// (CloudEvents NATS Protocol Binding 1.0), with <c>Nats-Msg-Id</c> set to the event id
/// (<c>{device}/{generation}/{epoch}/{seq}</c>), so JetStream's duplicate window drops a record the
/// relay delivers again after a crash or a retry. A record counts as delivered only once JetStream
/// acknowledged storing it (or a duplicate of it).
/// </summary>
public sealed class NatsSink(NatsSinkOptions options) : IRecordSink
{
    private NatsConnection? _connection;
    private NatsJSContext? _jetStream;

    public string Name => NatsSinkKind.SinkName;

    public async Task<long> RecoverPositionAsync(CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = options.Url!,
            Name = "m2m-gateway",
            AuthOpts = new NatsAuthOpts { Username = options.Username, Password = options.Password, Token = options.Token },
            ConnectTimeout = options.Timeout,
            RequestTimeout = options.Timeout,
        });
        _connection = connection;
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (NatsException exception)
        {
            throw new SinkFailureException(ConnectFailure(exception), exception);
        }

        _jetStream = new NatsJSContext(connection);
        if (options.CreateStream)
        {
            try
            {
                await _jetStream.CreateOrUpdateStreamAsync(
                    new StreamConfig(options.Stream, [$"{options.SubjectPrefix}.>"]) { DuplicateWindow = options.DuplicateWindow, Storage = StreamConfigStorage.File },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException exception)
            {
                throw new SinkFailureException($"nats stream {exception.Error.ErrCode}", exception);
            }
        }

        // The relay's saved position says where to resume; the duplicate window drops what it repeats.
        return 0;
    }

    public async ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        var record = RelayRecord.Read(relayEvent, NatsSinkKind.SinkName);
        var subject = NatsSubject.For(options.SubjectPrefix, record);
        var headers = new NatsHeaders();
        ReadOnlyMemory<byte> body;
        if (options.Mode == CloudEventMode.Binary)
        {
            // CloudEvents NATS binding section 3.1.3: each attribute as a "ce-" header, the data as the body.
            foreach (var (name, value) in record.Attributes)
            {
                if (name == "datacontenttype")
                {
                    headers["content-type"] = value;
                }
                else
                {
                    headers["ce-" + name] = value;
                }
            }

            body = record.Data;
        }
        else
        {
            headers["content-type"] = "application/cloudevents+json; charset=utf-8";
            body = relayEvent.Json;
        }

        if (_connection!.ConnectionState != NatsConnectionState.Open)
        {
            // The client would hold the publish until it reconnects: fail the sink instead, so it
            // shows as failing and reconnects with the relay's backoff.
            throw new SinkFailureException("nats disconnected");
        }

        // Bounded whatever the client does meanwhile (a connection lost mid-publish).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        PubAckResponse ack;
        try
        {
            ack = await _jetStream!.PublishAsync(subject, body, opts: new NatsJSPubOpts { MsgId = record.Id }, headers: headers, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException("nats timeout", exception);
        }
        catch (NatsNoRespondersException exception)
        {
            // No stream takes the subject: no record could be stored, so the sink fails as a whole
            // (nothing is dead-lettered) until the stream exists.
            throw new SinkFailureException("nats no stream for the subject", exception);
        }
        catch (NatsJSApiException exception)
        {
            throw new SinkDeliveryException($"nats {exception.Error.ErrCode}", exception);
        }
        catch (NatsException exception)
        {
            // NatsTimeoutException, NatsNoReplyException...: a short, stable label.
            throw new SinkDeliveryException("nats " + exception.GetType().Name.Replace("Nats", string.Empty, StringComparison.Ordinal).Replace("Exception", string.Empty, StringComparison.Ordinal).ToLowerInvariant(), exception);
        }
        catch (TimeoutException exception)
        {
            throw new SinkDeliveryException("nats timeout", exception);
        }

        if (ack.Error != null)
        {
            throw new SinkDeliveryException($"nats {ack.Error.ErrCode}");
        }
    }

    /// <summary>Every record was acknowledged in <see cref="DeliverAsync"/>: stored by JetStream.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask CloseAsync()
    {
        _jetStream = null;
        if (_connection != null)
        {
            var connection = _connection;
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A connect failure's reason: the server's refusal of the credentials, or unreachable; never the URL.</summary>
    private static string ConnectFailure(Exception exception)
    {
        for (var e = exception; e != null; e = e.InnerException)
        {
            if (e.Message.Contains("authorization", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("authentication", StringComparison.OrdinalIgnoreCase))
            {
                return "nats authorization violation";
            }

            if (e is SocketException socket)
            {
                return $"nats {socket.SocketErrorCode}";
            }
        }

        return "nats unreachable";
    }
}
