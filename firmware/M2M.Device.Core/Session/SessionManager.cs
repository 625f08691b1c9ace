using System;
using System.Collections;
using System.Text;
using System.Threading;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Session
{
    /// <summary>
    /// The device's life as an explicit state machine (docs/protocol.md sections 5, 6.4, 7 and 9):
    /// time sync, token, CONNECT, draining the outbox with QoS 1 and a bounded inflight window, in-band
    /// renewal before the deadline, and reconnects with exponential back-off and jitter, acting on every
    /// CONNACK, PUBACK and DISCONNECT reason code as the tables of section 9 say. <see cref="Step"/> does
    /// what is due now and returns how long until something is next due, so tests drive it with a
    /// controlled clock and no threads; <see cref="Run"/> is the platform loop, sleeping on an
    /// AutoResetEvent that transport events set (no busy loop).
    /// Threads: the session's state and the transport's connection are owned by the thread that calls
    /// <see cref="Step"/> (the loop). Other threads only hand it requests: <see cref="Submit"/>,
    /// <see cref="RetryNow"/>, <see cref="Stop"/>, and the transport's events.
    /// </summary>
    public sealed class SessionManager : IMqttTransportListener
    {
        private const int EventAcknowledged = 1;
        private const int EventClosed = 2;
        private const int EventMessage = 3;

        // Shortest wait while the token source has nothing yet, so a source that misreports its next
        // refresh time cannot make the loop spin.
        private const int MinimumTokenWaitMilliseconds = 1000;

        private readonly string _deviceId;
        private readonly string _authTopic;
        private readonly IMqttTransport _transport;
        private readonly ITokenSource _tokens;
        private readonly IRenewalCredential _renewal;
        private readonly Outbox _outbox;
        private readonly DeviceClock _clock;
        private readonly ITimeSync? _timeSync;
        private readonly IRandom _random;
        private readonly SessionOptions _options;
        private readonly Queue _events = new Queue();
        private readonly AutoResetEvent _wake = new AutoResetEvent(false);

        // Packet ids of command results in flight: their PUBACKs concern no telemetry (section 11.3).
        private readonly ArrayList _resultPacketIds = new ArrayList();
        private CommandProcessor? _commands;

        private SessionState _state;
        private SessionState _afterBackoff;
        private long _retryAt;

        // Set by RetryNow and Stop from another thread (the application's), read by Step.
        private int _retryRequested;
        private int _stopRequested;

        // Connection attempts since the gateway last acknowledged something; sets the back-off.
        private int _failedAttempts;
        private long _deadline;
        private long _tokenLifetime;
        private long _renewAt;
        private ushort _renewalPacketId;

        /// <summary>Creates the session manager in <see cref="SessionState.SyncingTime"/>.</summary>
        public SessionManager(string deviceId, IMqttTransport transport, ITokenSource tokens, IRenewalCredential renewal, Outbox outbox, DeviceClock clock, ITimeSync? timeSync, IRandom random, SessionOptions options)
        {
            _deviceId = deviceId ?? throw new ArgumentNullException(nameof(deviceId));
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
            _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
            _renewal = renewal ?? throw new ArgumentNullException(nameof(renewal));
            _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            _random = random ?? throw new ArgumentNullException(nameof(random));
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _timeSync = timeSync;
            _authTopic = ProtocolV1.AuthTopic(deviceId);
            _state = SessionState.SyncingTime;
            _transport.SetListener(this);
        }

        /// <summary>The current state.</summary>
        public SessionState State
        {
            get { return _state; }
        }

        /// <summary>The last refusal or disconnection reason code (MQTT reason code or <see cref="MqttCodes"/>), 0 if none.</summary>
        public int LastReasonCode { get; private set; }

        /// <summary>Successful CONNECTs.</summary>
        public int Connects { get; private set; }

        /// <summary>Telemetry messages acknowledged with PUBACK 0x00.</summary>
        public long Acknowledged { get; private set; }

        /// <summary>
        /// Telemetry messages the gateway refused definitively (section 9.3: PUBACK 0x83, 0x87, 0x90, 0x99,
        /// or DISCONNECT 0x95): dropped, counted, not retried. Transient failures keep the message.
        /// </summary>
        public long Refused { get; private set; }

        /// <summary>In-band renewals the gateway accepted (section 7.2).</summary>
        public int Renewals { get; private set; }

        /// <summary>Uptime at which the gateway ends the current session unless it is renewed (section 7.1).</summary>
        public long SessionDeadline
        {
            get { return _deadline; }
        }

        /// <summary>Uptime at which the next in-band renewal is due.</summary>
        public long RenewalDue
        {
            get { return _renewAt; }
        }

        /// <summary>
        /// Lets the gateway's commands in (docs/protocol.md section 11): every session then subscribes to
        /// the device's command topic and answers each command on its results topic. Call before <see cref="Run"/>.
        /// </summary>
        public void SetCommandProcessor(CommandProcessor commands)
        {
            _commands = commands;
        }

        /// <summary>
        /// The network is back (Wi-Fi rejoined): ends a back-off at once instead of letting a device
        /// that was offline for minutes wait out its longest delay. A refusal (<see cref="SessionState.Refused"/>)
        /// keeps its wait: the gateway said no, and reconnecting sooner would not change that.
        /// </summary>
        public void RetryNow()
        {
            Interlocked.Exchange(ref _retryRequested, 1);
            _wake.Set();
        }

        /// <summary>Adds a signed message to the outbox and wakes the loop.</summary>
        public void Submit(SignedMessage message)
        {
            _outbox.Add(message);
            _wake.Set();
        }

        /// <summary>
        /// The platform loop: steps, then sleeps until the next due time or a transport event; returns once
        /// a step has performed <see cref="Stop"/>.
        /// </summary>
        public void Run()
        {
            while (_state != SessionState.Stopped)
            {
                var wait = Step();
                if (wait > 0 && _state != SessionState.Stopped)
                {
                    _wake.WaitOne(wait, false);
                }
            }
        }

        /// <summary>
        /// Asks the loop to end the session (DISCONNECT) and stop; safe from any thread. It only records the
        /// request and wakes the loop: the next <see cref="Step"/> closes the connection and enters
        /// <see cref="SessionState.Stopped"/>, so a CONNECT that is under way when Stop is called cannot
        /// leave a connection open behind it. <see cref="Run"/> returns after that step.
        /// </summary>
        public void Stop()
        {
            Interlocked.Exchange(ref _stopRequested, 1);
            _wake.Set();
        }

        /// <summary>
        /// Performs a requested <see cref="Stop"/>; otherwise handles the transport events received since
        /// the last step, then does the work due now.
        /// Returns the milliseconds until something is next due (0: call again at once); transport events
        /// and <see cref="Submit"/> may make it due earlier (they set the wake event).
        /// </summary>
        public int Step()
        {
            if (Interlocked.CompareExchange(ref _stopRequested, 1, 1) == 1)
            {
                return PerformStop();
            }

            HandleEvents();
            var now = _clock.UptimeMilliseconds;
            switch (_state)
            {
                case SessionState.SyncingTime:
                    return SyncTime();
                case SessionState.GettingToken:
                    return GetToken(now);
                case SessionState.Connecting:
                    return Connect(now);
                case SessionState.Connected:
                    return Publish(now);
                case SessionState.BackingOff:
                case SessionState.Refused:
                    var retryRequested = Interlocked.Exchange(ref _retryRequested, 0) == 1;
                    if (now >= _retryAt || (retryRequested && _state == SessionState.BackingOff))
                    {
                        _state = _afterBackoff;
                        return 0;
                    }

                    return Until(_retryAt, now);
                default:
                    return _options.MaxIdleMilliseconds;
            }
        }

        /// <inheritdoc />
        public void OnPublishAcknowledged(ushort packetId, int reasonCode)
        {
            Enqueue(EventAcknowledged, packetId, reasonCode);
        }

        /// <inheritdoc />
        public void OnConnectionClosed(int reasonCode)
        {
            Enqueue(EventClosed, 0, reasonCode);
        }

        /// <inheritdoc />
        public void OnMessageReceived(string topic, byte[] payload)
        {
            // Only the command topic is subscribed; anything else is not for this device (section 11.2).
            if (_commands != null && topic == ProtocolV1.CommandTopic(_deviceId))
            {
                Enqueue(EventMessage, 0, 0, payload);
            }
        }

        private void Enqueue(int kind, ushort packetId, int reasonCode)
        {
            Enqueue(kind, packetId, reasonCode, null);
        }

        private void Enqueue(int kind, ushort packetId, int reasonCode, byte[]? payload)
        {
            lock (_events)
            {
                _events.Enqueue(new TransportEvent(kind, packetId, reasonCode, payload));
            }

            _wake.Set();
        }

        private void HandleEvents()
        {
            while (true)
            {
                TransportEvent? next;
                lock (_events)
                {
                    next = _events.Count == 0 ? null : (TransportEvent?)_events.Dequeue();
                }

                if (next == null)
                {
                    return;
                }

                // Events of a session that has already ended (we closed it ourselves) are stale.
                if (_state != SessionState.Connected)
                {
                    continue;
                }

                if (next.Kind == EventAcknowledged)
                {
                    HandleAcknowledgement(next.PacketId, next.ReasonCode);
                }
                else if (next.Kind == EventMessage)
                {
                    HandleCommand(next.Payload);
                }
                else
                {
                    HandleDisconnect(next.ReasonCode);
                }
            }
        }

        private int SyncTime()
        {
            // Section 3.4: SNTP first; if it fails the token client corrects the clock from the HTTP Date header.
            if (!_clock.IsSynchronized && _timeSync != null)
            {
                _timeSync.TrySynchronize();
            }

            _state = SessionState.GettingToken;
            return 0;
        }

        private int GetToken(long now)
        {
            _tokens.RefreshIfDue();
            if (_tokens.State == TokenState.Valid && _tokens.AccessToken != null && _tokens.ExpiresAtUptime > now)
            {
                _state = SessionState.Connecting;
                return 0;
            }

            if (_tokens.State == TokenState.Refused)
            {
                // invalid_client (section 9.1): the credential is wrong, disabled or rotated; report and wait.
                EnterRefused(now, MqttCodes.NotAuthorized);
                return Until(_retryAt, now);
            }

            var wait = Until(_tokens.NextRefreshUptime, now);
            return wait < MinimumTokenWaitMilliseconds ? MinimumTokenWaitMilliseconds : wait;
        }

        private int Connect(long now)
        {
            var token = _tokens.AccessToken;
            if (token == null || _tokens.ExpiresAtUptime <= now)
            {
                _state = SessionState.GettingToken;
                return 0;
            }

            // Section 5.1: client id = user name = device id, password = access token, Clean Start.
            var code = _transport.Connect(_deviceId, _deviceId, token, _options.KeepAliveSeconds);
            if (code == MqttCodes.Success)
            {
                // The back-off is not reset here but by the first acknowledgement (HandleAcknowledgement):
                // a gateway that accepts connections and then fails every message must still see the
                // reconnects slow down (section 9).
                Connects++;
                _deadline = _tokens.ExpiresAtUptime;
                _tokenLifetime = _deadline - now;
                _renewalPacketId = 0;
                ScheduleRenewal(now);
                _renewal.SessionOpened(token);

                // The token has done its work: the gateway checks it at CONNECT only (section 5.1), a
                // reconnect gets a new one (memory budget, docs/architecture.md).
                _tokens.Release();

                // Section 11: commands arrive on the command topic of this session only (Clean Start).
                if (_commands != null)
                {
                    _transport.Subscribe(ProtocolV1.CommandTopic(_deviceId));
                }

                // Section 6.4: everything not acknowledged goes again, in order, in the new session.
                _outbox.ResendAll();
                _state = SessionState.Connected;
                return 0;
            }

            LastReasonCode = code;
            switch (code)
            {
                case MqttCodes.BadUserNameOrPassword:
                case MqttCodes.NotAuthorized:
                case MqttCodes.BadAuthenticationMethod:
                    // Section 9.2 "new token": the token did not validate or the device is not allowed; a
                    // disabled device then gets invalid_client and ends in Refused.
                    _tokens.Invalidate();
                    return BackOff(now);
                case MqttCodes.MalformedPacket:
                case MqttCodes.ProtocolError:
                case MqttCodes.UnsupportedProtocolVersion:
                case MqttCodes.ClientIdentifierNotValid:
                case MqttCodes.Banned:
                case MqttCodes.TopicNameInvalid:
                case MqttCodes.PacketTooLarge:
                case MqttCodes.PayloadFormatInvalid:
                case MqttCodes.RetainNotSupported:
                case MqttCodes.QoSNotSupported:
                    // Section 9.2 "stop": this CONNECT is refused as it is and would be refused
                    // again until the firmware, configuration or credential changes.
                    EnterRefused(now, code);
                    return Until(_retryAt, now);
                default:
                    // Section 9.2 "retry": 0x80, 0x83, 0x88, 0x89, 0x97, 0x9F, any other code, no CONNACK.
                    return BackOff(now);
            }
        }

        private int Publish(long now)
        {
            if (now >= _deadline)
            {
                // Section 7.1: the session cannot outlive its credential; the gateway would end it with 0xA0.
                _transport.Disconnect();
                EndSession(MqttCodes.MaximumConnectTime);
                _tokens.Invalidate();
                _state = SessionState.GettingToken;
                return 0;
            }

            if (_renewalPacketId == 0 && now >= _renewAt && !Renew(now))
            {
                return 0;
            }

            // Section 6.4 and MQTT 5 section 4.9: at most InflightWindow telemetry messages await a PUBACK.
            while (_outbox.InflightCount < _options.InflightWindow)
            {
                var message = _outbox.NextToSend();
                if (message == null)
                {
                    break;
                }

                var packetId = _transport.Publish(message.Topic, message.Payload, message.ContentType, message.UserPropertyNames, message.RenderUserPropertyValues());
                if (packetId == 0)
                {
                    HandleDisconnect(MqttCodes.NetworkError);
                    return 0;
                }

                _outbox.MarkSent(message, packetId);
            }

            var next = _renewalPacketId == 0 && _renewAt < _deadline ? _renewAt : _deadline;
            return Until(next, now);
        }

        // Section 7.2: publish a fresh credential to devices/{id}/auth; returns false when the connection is gone.
        private bool Renew(long now)
        {
            var credential = _renewal.Create();
            if (credential == null)
            {
                _renewAt = now + _options.RenewalRetryMilliseconds;
                return true;
            }

            var packetId = _transport.Publish(_authTopic, Encoding.UTF8.GetBytes(credential), null, null, null);
            if (packetId == 0)
            {
                HandleDisconnect(MqttCodes.NetworkError);
                return false;
            }

            _renewalPacketId = packetId;

            // An access token published for renewal is not needed any more (an assertion never was held).
            _tokens.Release();
            return true;
        }

        // Section 11.4: the processor authenticates, judges and runs the command and records the answer
        // before it is published; a command result's PUBACK changes nothing (the gateway sends the
        // command again in a later session if the answer did not reach it).
        private void HandleCommand(byte[]? payload)
        {
            var result = _commands!.Handle(payload);
            if (result == null)
            {
                return;
            }

            var packetId = _transport.Publish(ProtocolV1.CommandResultTopic(_deviceId), result, null, null, null);
            if (packetId == 0)
            {
                HandleDisconnect(MqttCodes.NetworkError);
                return;
            }

            _resultPacketIds.Add(packetId);
        }

        // Compared unboxed, one by one: the list holds a command result or two at most.
        private bool TakeResultPacketId(ushort packetId)
        {
            for (var i = 0; i < _resultPacketIds.Count; i++)
            {
                if ((ushort)_resultPacketIds[i]! == packetId)
                {
                    _resultPacketIds.RemoveAt(i);
                    return true;
                }
            }

            return false;
        }

        private void HandleAcknowledgement(ushort packetId, int reasonCode)
        {
            var now = _clock.UptimeMilliseconds;
            if (TakeResultPacketId(packetId))
            {
                return;
            }

            if (packetId == _renewalPacketId && _renewalPacketId != 0)
            {
                HandleRenewalAcknowledgement(now, reasonCode);
                return;
            }

            if (MqttCodes.IsAccepted(reasonCode))
            {
                if (_outbox.Acknowledge(packetId) != null)
                {
                    Acknowledged++;
                    _failedAttempts = 0;
                }

                return;
            }

            if (MqttCodes.IsDefinitiveRefusal(reasonCode))
            {
                // Section 9.3 "drop": the message itself is refused and would be refused again.
                if (_outbox.Acknowledge(packetId) != null)
                {
                    Refused++;
                    LastReasonCode = reasonCode;
                }

                return;
            }

            // Section 9.3 "retry": the gateway did not store the message (0x80, 0x97, any code not listed
            // as definitive) or the transport gave up waiting for its PUBACK. It stays in the outbox.
            // Sending it again alone could put it after newer ones (refused as replayed, section 8), so the
            // session ends and the next one resends everything unacknowledged, in order, after a back-off.
            _transport.Disconnect();
            EndSession(reasonCode);
            BackOff(now);
        }

        // Section 9.3, the auth topic: a refusal ends the session for a new token; a transient failure
        // leaves the session as it is and tries again later (the deadline still ends it, section 7.1).
        private void HandleRenewalAcknowledgement(long now, int reasonCode)
        {
            _renewalPacketId = 0;
            if (MqttCodes.IsAccepted(reasonCode))
            {
                Renewals++;
                _failedAttempts = 0;
                _deadline = _renewal.DeadlineAfterAcceptance(now, _tokenLifetime);
                ScheduleRenewal(now);
            }
            else if (MqttCodes.IsDefinitiveRefusal(reasonCode))
            {
                // 0x87 renewal_refused: the old deadline stays. Rather than lose the session at the
                // deadline, end it now and reconnect with a new token.
                _transport.Disconnect();
                EndSession(reasonCode);
                _tokens.Invalidate();
                _state = SessionState.GettingToken;
            }
            else
            {
                _renewAt = now + _options.RenewalRetryMilliseconds;
            }
        }

        private void HandleDisconnect(int reasonCode)
        {
            var now = _clock.UptimeMilliseconds;
            if (reasonCode == MqttCodes.PacketTooLarge && _outbox.RemoveLargestInflight() != null)
            {
                // Section 9.4: a message over the gateway's Maximum Packet Size would end every session
                // again; it is dropped and counted like a refused one.
                Refused++;
            }

            // Section 9.4: whatever the code, every unacknowledged message stays and is resent in order.
            EndSession(reasonCode);
            switch (reasonCode)
            {
                case MqttCodes.MaximumConnectTime:
                    // Section 9.4: the deadline passed; a new token and reconnect at once.
                    _tokens.Invalidate();
                    _state = SessionState.GettingToken;
                    break;
                case MqttCodes.NotAuthorized:
                case MqttCodes.BadAuthenticationMethod:
                    _tokens.Invalidate();
                    BackOff(now);
                    break;
                case MqttCodes.AdministrativeAction:
                    // Disabled, deleted or rotated: a new token after a longer wait; invalid_client then ends in Refused.
                    _tokens.Invalidate();
                    Wait(now, _options.AdministrativeBackoffMilliseconds);
                    break;
                case MqttCodes.SessionTakenOver:
                    // Another instance holds this identity: reconnecting at once would fight over it.
                    Wait(now, _options.TakeoverBackoffMilliseconds);
                    break;
                default:
                    // Section 9.4 "retry": lost connection, 0x80 (journal_unavailable, internal_error),
                    // 0x89, 0x8B, 0x8D, 0x97, the protocol errors (0x81, 0x82, 0x93, 0x94, 0x9A, 0x9B) and
                    // any other code.
                    BackOff(now);
                    break;
            }
        }

        // The request of Stop, performed on the loop's thread: no connection outlives it.
        private int PerformStop()
        {
            if (_state == SessionState.Connected)
            {
                _transport.Disconnect();
            }

            _state = SessionState.Stopped;
            return _options.MaxIdleMilliseconds;
        }

        private void EndSession(int reasonCode)
        {
            LastReasonCode = reasonCode;
            _renewalPacketId = 0;
            _resultPacketIds.Clear();
            _outbox.ResendAll();
        }

        private void ScheduleRenewal(long now)
        {
            var lifetime = _deadline - now;
            var span = _options.RenewalPercentMax - _options.RenewalPercentMin;
            var percent = _options.RenewalPercentMin + (span > 0 ? _random.NextInt(span + 1) : 0);
            _renewAt = now + (lifetime * percent / 100);
        }

        // Exponential back-off with "equal jitter": half the delay fixed, half random, so devices cut off
        // together do not reconnect together.
        private int BackOff(long now)
        {
            long delay = _options.InitialBackoffMilliseconds;
            for (var i = 0; i < _failedAttempts && delay < _options.MaxBackoffMilliseconds; i++)
            {
                delay *= 2;
            }

            if (delay > _options.MaxBackoffMilliseconds)
            {
                delay = _options.MaxBackoffMilliseconds;
            }

            _failedAttempts++;
            var half = (int)(delay / 2);
            return Wait(now, half + _random.NextInt(half + 1));
        }

        private int Wait(long now, int milliseconds)
        {
            _retryAt = now + milliseconds;
            _afterBackoff = SessionState.GettingToken;
            _state = SessionState.BackingOff;
            return milliseconds;
        }

        private void EnterRefused(long now, int reasonCode)
        {
            LastReasonCode = reasonCode;
            _retryAt = now + _options.RefusedRetryMilliseconds;
            _afterBackoff = SessionState.GettingToken;
            _state = SessionState.Refused;
        }

        private int Until(long due, long now)
        {
            var wait = due - now;
            if (wait <= 0)
            {
                return 0;
            }

            return wait > _options.MaxIdleMilliseconds ? _options.MaxIdleMilliseconds : (int)wait;
        }

        /// <summary>A PUBACK, a received command or a closed connection, handed from the transport's thread to the loop.</summary>
        private sealed class TransportEvent
        {
            public TransportEvent(int kind, ushort packetId, int reasonCode, byte[]? payload)
            {
                Kind = kind;
                PacketId = packetId;
                ReasonCode = reasonCode;
                Payload = payload;
            }

            public byte[]? Payload { get; private set; }

            public int Kind { get; private set; }

            public ushort PacketId { get; private set; }

            public int ReasonCode { get; private set; }
        }
    }
}
