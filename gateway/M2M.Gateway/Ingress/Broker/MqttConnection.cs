using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Pipeline;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Journal;
using Microsoft.AspNetCore.Connections;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// One MQTT 5 network connection (docs/ingress.md, "Broker"): reads packets from Kestrel's input
/// pipe, refuses each by its fixed header before its body is buffered when it is larger than the
/// connection may send (<see cref="MqttIngressOptions.MaxUnauthenticatedPacketBytes"/> before the
/// CONNECT is accepted, the announced Maximum Packet Size after), authenticates the CONNECT, runs
/// every PUBLISH through the stages and answers in order. The gateway is an ingestion endpoint, not a
/// general broker: it announces Maximum QoS 1, no retained messages, no topic aliases, no
/// subscription identifiers, no shared subscriptions, no sessions kept after the connection, and
/// refuses Will messages and enhanced authentication (docs/protocol.md section 5.1).
/// <para>
/// PUBLISHes are processed as they are read and several may wait for the journal at once (up to the
/// announced Receive Maximum, MQTT 5 section 4.9); their PUBACKs leave in the order the PUBLISHes
/// came (section 4.6), written together when the journal's writer resolves a batch. Between packets
/// the connection holds no buffer of its own; everything it sends goes through one small outgoing
/// buffer drained by one flusher at a time.
/// </para>
/// </summary>
internal sealed class MqttConnection : IJournalWaiter, ISessionConnection
{
    private readonly MqttEndpoint _endpoint;
    private readonly ConnectionContext _context;
    private readonly UnauthenticatedLease _lease;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly object _sync = new();

    // Guarded by _sync.
    private ArrayBufferWriter<byte>? _outgoing;
    private Queue<PublishContext>? _inflight;
    private bool _flushing;
    private TaskCompletionSource? _flushStopped;
    private bool _closing;

    // Why the gateway closed the connection (its DISCONNECT's Reason String); null when the peer did.
    private string? _closeReason;

    // When the session was accepted, for the activity record of its end.
    private DateTimeOffset _sessionSince;
    private bool _connAckSent;

    // Written by the read loop, read by the monitor.
    private long _lastPacketAt;
    private long _waitingSince;
    private long _closingSince;
    private int _keepAliveMilliseconds;

    // The read loop's own.
    private bool _connectReceived;
    private DeviceSession? _session;
    private uint _clientMaximumPacketSize;
    private bool _problemInformation = true;
    private volatile bool _journalFailed;

    public MqttConnection(MqttEndpoint endpoint, ConnectionContext context, UnauthenticatedLease lease)
    {
        _endpoint = endpoint;
        _context = context;
        _lease = lease;
        _input = context.Transport.Input;
        _output = context.Transport.Output;
        _lastPacketAt = _waitingSince = Environment.TickCount64;
    }

    private string? Remote => (_context.RemoteEndPoint as IPEndPoint)?.ToString();

    private MqttIngressOptions Options => _endpoint.Options;

    /// <inheritdoc />
    bool IJournalWaiter.Accepting => !_journalFailed;

    /// <summary>Serves the connection until it ends; never throws.</summary>
    public async Task RunAsync()
    {
        _endpoint.Monitor.Add(this);
        try
        {
            // The read loop, in this method so that an idle connection holds one async state, not two.
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var keepReading = true;
                var progressed = false;
                try
                {
                    while (keepReading)
                    {
                        var status = PacketFramer.TryReadFixedHeader(buffer, out var header, out var error);
                        if (status == FrameStatus.Incomplete)
                        {
                            break;
                        }

                        if (status == FrameStatus.Malformed)
                        {
                            keepReading = _connectReceived ? Violation(error.Code, error.Reason) : Drop(error.Reason);
                            break;
                        }

                        // Judged from the fixed header alone, before the body is waited for.
                        var size = header.HeaderLength + (long)header.RemainingLength;
                        if (size > (_session == null ? Options.MaxUnauthenticatedPacketBytes : Options.MaxPacketBytes))
                        {
                            keepReading = TooLarge(header.Type);
                            break;
                        }

                        if (buffer.Length < size)
                        {
                            break;
                        }

                        var body = buffer.Slice(header.HeaderLength, header.RemainingLength);
                        buffer = buffer.Slice(size);
                        progressed = true;
                        Volatile.Write(ref _lastPacketAt, Environment.TickCount64);
                        keepReading = await HandleAsync(header, body).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                // The CONNECT, or a packet begun and not finished, must arrive whole within the
                // CommunicationTimeout; the monitor enforces it from this time.
                if (_connectReceived)
                {
                    Volatile.Write(ref _waitingSince, buffer.IsEmpty ? 0 : progressed || Volatile.Read(ref _waitingSince) == 0 ? Environment.TickCount64 : _waitingSince);
                }

                if (!keepReading || result.IsCompleted || result.IsCanceled || IsClosing())
                {
                    return;
                }

                await FlushIfIdleAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is ConnectionResetException or ConnectionAbortedException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer or the monitor ended the connection.
        }
        catch (Exception exception)
        {
            _endpoint.LogConnectionFailed(exception, Remote);
            Close(ReasonCode.UnspecifiedError, "internal_error");
        }
        finally
        {
            lock (_sync)
            {
                _closing = true;
            }

            if (_session != null)
            {
                _endpoint.Sessions.Remove(_session);
                if (_sessionSince != default)
                {
                    _endpoint.Activity.SessionEnded(_session.DeviceId, _session, _sessionSince, Remote, Volatile.Read(ref _closeReason) ?? "connection_closed");
                }

                _session.Dispose();
            }
            else
            {
                _lease.Release();
            }

            await DrainOutputAsync().ConfigureAwait(false);
            _endpoint.Monitor.Remove(this);
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Close(ReasonCode code, string reason)
    {
        lock (_sync)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            Volatile.Write(ref _closeReason, reason);
            Volatile.Write(ref _closingSince, Environment.TickCount64);
            if (_connAckSent)
            {
                // A Reason String may always go with a DISCONNECT (MQTT 5 section 3.1.2.11.7).
                PacketWriter.WriteDisconnect(Outgoing(), code, reason, _clientMaximumPacketSize);
            }
        }

        _endpoint.Metrics.GatewayDisconnect(reason);
        _endpoint.LogClosing(Remote, reason, "DISCONNECT", (int)code);

        // The read loop stops and, on its way out, flushes the DISCONNECT and closes the socket.
        _input.CancelPendingRead();
    }

    /// <inheritdoc />
    public bool Send(string topic, ReadOnlySpan<byte> payload)
    {
        lock (_sync)
        {
            // QoS 0: the command's signed answer is its acknowledgement (docs/protocol.md section 11.4).
            if (_closing || !PacketWriter.WritePublish(Outgoing(), topic, 0, 0, false, payload, null, [], _clientMaximumPacketSize))
            {
                return false;
            }
        }

        _ = FlushIfIdleAsync();
        return true;
    }

    /// <inheritdoc />
    void IJournalWaiter.OnJournaled(JournalAppend append)
    {
        if (append.Outcome == AppendOutcome.Failed)
        {
            _journalFailed = true;
        }

        var context = (PublishContext)append.State!;
        _endpoint.Pipeline.Complete(context, JournalMessage.Outcome(append.Outcome));
        SendResolvedAcknowledgements();

        // On the journal's writer thread, which must never block: the flush writes into Kestrel's
        // pipe (the socket send happens on Kestrel's own I/O thread) and, should the pipe be full,
        // goes on asynchronously on the thread pool.
        _ = FlushIfIdleAsync();
    }

    /// <summary>Called by the monitor about twice a second with Environment.TickCount64.</summary>
    public void CheckDeadlines(long now)
    {
        var timeout = _endpoint.CommunicationTimeoutMilliseconds;
        var closingSince = Volatile.Read(ref _closingSince);
        if (closingSince != 0)
        {
            // Told to close, but the peer does not take the DISCONNECT off the socket.
            if (now - closingSince > timeout)
            {
                _context.Abort();
            }

            return;
        }

        var waitingSince = Volatile.Read(ref _waitingSince);
        if (waitingSince != 0 && now - waitingSince > timeout)
        {
            if (_session == null)
            {
                // No CONNECT, or half of one, in time (MQTT 5 section 3.1.4): just close.
                _endpoint.Metrics.ConnectionDropped("connect_timeout");
                _endpoint.LogDropped(Remote, "connect_timeout");
                _context.Abort();
            }
            else
            {
                Close(ReasonCode.UnspecifiedError, "packet_incomplete");
            }

            return;
        }

        var keepAlive = Volatile.Read(ref _keepAliveMilliseconds);
        if (keepAlive > 0 && now - Volatile.Read(ref _lastPacketAt) > keepAlive + (keepAlive / 2))
        {
            // MQTT 5 section 3.1.2.10: nothing for one and a half times the Keep Alive.
            Close(ReasonCode.KeepAliveTimeout, "keep_alive_timeout");
        }
    }


    private ValueTask<bool> HandleAsync(FixedHeader header, ReadOnlySequence<byte> body)
    {
        if (!_connectReceived && header.Type != PacketType.Connect)
        {
            // MQTT 5 section 3.1: the first packet must be a CONNECT.
            return new(Drop("first_packet_not_connect"));
        }

        byte[]? rented = null;
        var span = body.IsSingleSegment ? body.FirstSpan : Contiguous(body, out rented);
        try
        {
            switch (header.Type)
            {
                case PacketType.Connect:
                    if (_connectReceived)
                    {
                        return new(Violation(ReasonCode.ProtocolError, "second_connect"));
                    }

                    _connectReceived = true;
                    if (ConnectPacket.TryDecode(span, out var connect, out var connectError))
                    {
                        return HandleConnectAsync(connect);
                    }

                    // Another protocol altogether is not answered (MQTT 5 section 3.1.2.1); a
                    // malformed MQTT CONNECT gets its reason code (section 4.13.1).
                    return new(connectError.Reason == PacketErrors.BadProtocolName.Reason
                        ? Drop(connectError.Reason)
                        : RefuseConnect(connectError.Code, connectError.Reason));
                case PacketType.Publish:
                    return PublishPacket.TryDecode(span, header.Flags, out var publish, out var publishError)
                        ? HandlePublishAsync(publish)
                        : new(Violation(publishError.Code, publishError.Reason));
                case PacketType.Subscribe:
                    return new(SubscribePacket.TryDecode(span, out var subscribe, out var subscribeError)
                        ? HandleSubscribe(subscribe)
                        : Violation(subscribeError.Code, subscribeError.Reason));
                case PacketType.Unsubscribe:
                    return new(UnsubscribePacket.TryDecode(span, out var unsubscribe, out var unsubscribeError)
                        ? HandleUnsubscribe(unsubscribe)
                        : Violation(unsubscribeError.Code, unsubscribeError.Reason));
                case PacketType.PingReq:
                    lock (_sync)
                    {
                        PacketWriter.WritePingResp(Outgoing());
                    }

                    return new(true);
                case PacketType.Disconnect:
                    // The client's DISCONNECT (section 3.14) ends the connection; a malformed one too.
                    return new(false);
                case PacketType.PubAck:
                    // The gateway sends no QoS 1 PUBLISH yet; an acknowledgement of nothing is ignored.
                    return new(true);
                case PacketType.Auth:
                    return new(Violation(ReasonCode.ProtocolError, "auth_not_supported"));
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                    return new(Violation(ReasonCode.ProtocolError, "qos2_not_supported"));
                default:
                    return new(Violation(ReasonCode.ProtocolError, "unexpected_packet"));
            }
        }
        finally
        {
            if (rented != null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private async ValueTask<bool> HandleConnectAsync(ConnectPacket connect)
    {
        if (!connect.IsSupportedLevel)
        {
            // MQTT 5 section 3.1.2.2: 0x84. An MQTT 3.1.1 client reads a 3.1.1 CONNACK, whose return
            // code 0x01 says the same (MQTT 3.1.1 section 3.2.2.3).
            _endpoint.Metrics.Connect("unsupported_protocol_version");
            _endpoint.LogDropped(Remote, "unsupported_protocol_version");
            lock (_sync)
            {
                if (connect.ProtocolLevel is 3 or 4)
                {
                    PacketWriter.WriteConnAck311(Outgoing(), 0x01);
                }
                else
                {
                    PacketWriter.WriteConnAck(Outgoing(), false, ReasonCode.UnsupportedProtocolVersion, default);
                }
            }

            return false;
        }

        _problemInformation = connect.RequestProblemInformation;
        _clientMaximumPacketSize = connect.MaximumPacketSize;
        if (connect.HasWill)
        {
            // Nothing is forwarded between clients here, so a Will could never be delivered.
            return RefuseConnect(ReasonCode.ImplementationSpecificError, "will_not_supported");
        }

        if (connect.AuthenticationMethod != null)
        {
            return RefuseConnect(ReasonCode.BadAuthenticationMethod, "authentication_method_not_supported");
        }

        if (!_endpoint.Limits.TryConnect((_context.RemoteEndPoint as IPEndPoint)?.Address))
        {
            return RefuseConnect(ReasonCode.ConnectionRateExceeded, "connection_rate_exceeded");
        }

        string? password = null;
        if (connect.Password != null && !TryDecodeUtf8(connect.Password, out password))
        {
            return RefuseConnect(ReasonCode.BadUserNameOrPassword, "token_malformed_token");
        }

        var result = await _endpoint.Authenticate.RunAsync(AuthenticateConnection.MqttProtocolLevel, connect.ClientId, connect.UserName, password, _context.ConnectionClosed).ConfigureAwait(false);
        if (result.Session == null)
        {
            return SendConnAckRefusal(result.Code, result.Reason);
        }

        var session = result.Session;
        session.Connection = this;
        _session = session;
        _lease.Release();

        // MQTT 5 section 3.2.2.3.14: a missing or too long Keep Alive is replaced by the server's.
        var keepAlive = (int)connect.KeepAliveSeconds;
        ushort? serverKeepAlive = null;
        var maxKeepAlive = (int)Options.MaxKeepAlive.TotalSeconds;
        if (keepAlive == 0 || keepAlive > maxKeepAlive)
        {
            keepAlive = maxKeepAlive;
            serverKeepAlive = (ushort)maxKeepAlive;
        }

        Volatile.Write(ref _keepAliveMilliseconds, keepAlive * 1000);
        var properties = new ConnAckProperties
        {
            // No session state outlives the connection (docs/protocol.md section 5.1: Clean Start).
            SessionExpiryInterval = connect.SessionExpiryInterval != 0 ? 0u : null,
            ReceiveMaximum = (ushort)Options.ReceiveMaximum,
            MaximumQoS = 1,
            RetainAvailable = false,
            MaximumPacketSize = (uint)Options.MaxPacketBytes,
            WildcardSubscriptionAvailable = true,
            SubscriptionIdentifiersAvailable = false,
            SharedSubscriptionAvailable = false,
            ServerKeepAlive = serverKeepAlive,
        };
        lock (_sync)
        {
            PacketWriter.WriteConnAck(Outgoing(), false, ReasonCode.Success, properties);
            _connAckSent = true;
        }

        // After the CONNACK is queued: the registry may end the session (takeover by a newer
        // connection, a change caught by its re-check) and its DISCONNECT must follow the CONNACK.
        _endpoint.Sessions.Add(session);
        _sessionSince = _endpoint.Activity.SessionOpened(session.DeviceId, session, Remote);
        return true;
    }

    private async ValueTask<bool> HandlePublishAsync(PublishPacket publish)
    {
        // What this endpoint announced in its CONNACK, or a protocol rule (docs/protocol.md section 9.4).
        var violation = publish.QoS != 1 ? (ReasonCode.QoSNotSupported, "qos_not_supported")
            : publish.Retain ? (ReasonCode.RetainNotSupported, "retain_not_supported")
            : publish.TopicAlias is not null ? (ReasonCode.TopicAliasInvalid, "topic_alias_not_supported")
            : publish.HasSubscriptionIdentifier ? (ReasonCode.ProtocolError, "subscription_identifier_in_publish")
            : publish.Payload.Length > Options.MaxPayloadBytes ? (ReasonCode.PacketTooLarge, "packet_too_large")
            : default;
        if (violation != default)
        {
            return Violation(violation.Item1, violation.Item2);
        }

        var context = new PublishContext(_session!, publish, this);
        lock (_sync)
        {
            if (_closing)
            {
                return false;
            }

            _inflight ??= new Queue<PublishContext>();
            if (_inflight.Count >= Options.ReceiveMaximum)
            {
                // MQTT 5 section 3.3.4: more unacknowledged QoS 1 PUBLISHes than the Receive Maximum.
                return Violation(ReasonCode.ReceiveMaximumExceeded, "receive_maximum_exceeded");
            }

            _inflight.Enqueue(context);
        }

        var outcome = await _endpoint.Pipeline.RunAsync(context, _context.ConnectionClosed).ConfigureAwait(false);
        if (!ReferenceEquals(outcome, PublishOutcome.Journaling))
        {
            SendResolvedAcknowledgements();
        }

        return !IsClosing();
    }

    private bool HandleSubscribe(SubscribePacket subscribe)
    {
        if (subscribe.SubscriptionIdentifier != null)
        {
            // Announced as not available in the CONNACK (MQTT 5 section 3.2.2.3.12).
            return Violation(ReasonCode.SubscriptionIdentifiersNotSupported, "subscription_identifiers_not_supported");
        }

        var session = _session!;
        var codes = new ReasonCode[subscribe.Subscriptions.Count];
        string? refusal = null;
        for (var i = 0; i < codes.Length; i++)
        {
            var (filter, qos) = (subscribe.Subscriptions[i].TopicFilter, subscribe.Subscriptions[i].MaximumQoS);
            var (code, reason) = !TopicFilters.IsValid(filter) || Encoding.UTF8.GetByteCount(filter) > Options.MaxTopicBytes ? (ReasonCode.TopicFilterInvalid, "topic_filter_invalid")
                : TopicFilters.IsShared(filter) ? (ReasonCode.SharedSubscriptionsNotSupported, "shared_subscriptions_not_supported")
                : !_endpoint.Policy.MaySubscribe(session, filter) ? (ReasonCode.NotAuthorized, "topic_not_allowed")
                : (qos == 0 ? ReasonCode.Success : ReasonCode.GrantedQoS1, "ok");
            if (reason == "ok")
            {
                session.Subscribe(filter);
            }
            else
            {
                refusal = reason;
            }

            codes[i] = code;
            _endpoint.Metrics.Subscription(reason);
        }

        lock (_sync)
        {
            PacketWriter.WriteSubAck(Outgoing(), subscribe.PacketId, codes, _problemInformation ? refusal : null, _clientMaximumPacketSize);
        }

        // After the SUBACK is queued: a pending command follows it (docs/protocol.md section 11.4).
        var commandTopic = $"devices/{session.DeviceId}/commands";
        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] is ReasonCode.Success or ReasonCode.GrantedQoS1 && TopicFilter.Covers(subscribe.Subscriptions[i].TopicFilter, commandTopic))
            {
                _endpoint.Commands?.SessionSubscribed(session);
                break;
            }
        }

        return true;
    }

    private bool HandleUnsubscribe(UnsubscribePacket unsubscribe)
    {
        var codes = new ReasonCode[unsubscribe.TopicFilters.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = _session!.Unsubscribe(unsubscribe.TopicFilters[i]) ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted;
        }

        lock (_sync)
        {
            PacketWriter.WriteUnsubAck(Outgoing(), unsubscribe.PacketId, codes, null, _clientMaximumPacketSize);
        }

        return true;
    }

    /// <summary>A packet over the size this connection may send (MQTT 5 section 3.2.2.3.6): refused from its header.</summary>
    private bool TooLarge(PacketType type)
    {
        if (_session != null)
        {
            _endpoint.Metrics.Message("packet_too_large");
            return Violation(ReasonCode.PacketTooLarge, "packet_too_large");
        }

        if (type == PacketType.Connect && !_connectReceived)
        {
            _connectReceived = true;
            return RefuseConnect(ReasonCode.PacketTooLarge, "packet_too_large");
        }

        return Drop("packet_too_large");
    }

    /// <summary>
    /// Closes a connection that has not sent a well-formed CONNECT, without a word: a CONNACK
    /// answers only a CONNECT, and a DISCONNECT may not come before the CONNACK (MQTT 5 section 3.14).
    /// </summary>
    private bool Drop(string reason)
    {
        _endpoint.Metrics.ConnectionDropped(reason);
        _endpoint.LogDropped(Remote, reason);
        return false;
    }

    /// <summary>A CONNECT refused before it was checked (the check counts and logs its own refusals).</summary>
    private bool RefuseConnect(ReasonCode code, string reason)
    {
        _endpoint.Metrics.Connect(reason);
        _endpoint.LogDropped(Remote, reason);
        return SendConnAckRefusal(code, reason);
    }

    private bool SendConnAckRefusal(ReasonCode code, string reason)
    {
        lock (_sync)
        {
            // MQTT 5 section 3.2.2.3.9: a Reason String may go with a CONNACK whatever the client asked.
            PacketWriter.WriteConnAck(Outgoing(), false, code, new ConnAckProperties { ReasonString = reason });
        }

        return false;
    }

    /// <summary>A protocol error or a refused feature: DISCONNECT with its reason code, or just close before the CONNACK.</summary>
    private bool Violation(ReasonCode code, string reason)
    {
        if (_session == null)
        {
            return RefuseConnect(code, reason);
        }

        Close(code, reason);
        return false;
    }

    /// <summary>Writes the PUBACKs now due, in order, up to the first message still waiting; a transient failure ends the connection instead.</summary>
    private void SendResolvedAcknowledgements()
    {
        (ReasonCode Code, string Reason)? close = null;
        lock (_sync)
        {
            if (_closing || _inflight == null)
            {
                return;
            }

            while (_inflight.TryPeek(out var head) && head.Outcome is { } outcome)
            {
                _inflight.Dequeue();
                if (!outcome.Acknowledged)
                {
                    close = (outcome.Code, outcome.Reason);
                    break;
                }

                // MQTT 5 section 3.1.2.11.7: no Reason String on a PUBACK when the client asked for none.
                PacketWriter.WritePubAck(Outgoing(), head.Packet.PacketId, outcome.Code,
                    outcome.Succeeded || !_problemInformation ? null : outcome.Reason, _clientMaximumPacketSize);
                _endpoint.Metrics.PublishAcknowledged(Stopwatch.GetElapsedTime(head.ReceivedAt));
            }
        }

        if (close is { } c)
        {
            Close(c.Code, c.Reason);
        }
    }

    private bool IsClosing()
    {
        lock (_sync)
        {
            return _closing;
        }
    }

    private ArrayBufferWriter<byte> Outgoing() => _outgoing ??= new ArrayBufferWriter<byte>(64);

    /// <summary>Writes what is queued, unless a flush is already running (which then writes it too).</summary>
    private Task FlushIfIdleAsync()
    {
        lock (_sync)
        {
            if (_flushing || _outgoing is not { WrittenCount: > 0 })
            {
                return Task.CompletedTask;
            }

            _flushing = true;
        }

        return FlushAsync();
    }

    /// <summary>The flusher (the caller set <see cref="_flushing"/>): writes the outgoing buffer to the socket until it stays empty.</summary>
    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                lock (_sync)
                {
                    if (_outgoing is not { WrittenCount: > 0 })
                    {
                        StopFlushing();
                        return;
                    }

                    _output.Write(_outgoing.WrittenSpan);

                    // Dropped once written: an idle connection holds no outgoing buffer at all.
                    _outgoing = null;
                }

                var flushed = await _output.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or ConnectionAbortedException)
        {
            // The socket is gone; the read loop ends too.
        }

        lock (_sync)
        {
            _outgoing?.ResetWrittenCount();
            StopFlushing();
        }

        _context.Abort();
    }

    private void StopFlushing()
    {
        _flushing = false;
        var stopped = _flushStopped;
        _flushStopped = null;
        stopped?.TrySetResult();
    }

    /// <summary>On the way out: waits for a running flush, then writes whatever is left (a DISCONNECT, a CONNACK refusal).</summary>
    private async Task DrainOutputAsync()
    {
        while (true)
        {
            Task? running = null;
            lock (_sync)
            {
                if (_flushing)
                {
                    _flushStopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    running = _flushStopped.Task;
                }
                else if (_outgoing is { WrittenCount: > 0 })
                {
                    _flushing = true;
                }
                else
                {
                    return;
                }
            }

            await (running ?? FlushAsync()).ConfigureAwait(false);
        }
    }

    private static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> body, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)body.Length);
        body.CopyTo(rented);
        return rented.AsSpan(0, (int)body.Length);
    }

    private static bool TryDecodeUtf8(byte[] bytes, out string? text)
    {
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }
}

/// <summary>
/// A connection's place among the unauthenticated ones (<see cref="ConnectionLimits"/>), taken when
/// it is accepted and given back once, when it authenticates or closes, whichever comes first.
/// </summary>
internal sealed class UnauthenticatedLease(ConnectionLimits limits)
{
    private int _released;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            limits.LeaveUnauthenticated();
        }
    }
}
