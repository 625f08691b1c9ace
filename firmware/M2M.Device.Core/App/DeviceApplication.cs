using System;
using System.Collections;
using System.Text;
using System.Threading;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Session;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.App
{
    /// <summary>
    /// The device application, the same on every platform: reads the configuration and the credential,
    /// persists the next boot epoch (docs/protocol.md section 6.1), derives the keys, composes the signer,
    /// outbox and session manager, keeps the network link up, and collects signed telemetry on a fixed
    /// cadence. Startup, in order: <see cref="ReadConfiguration"/>, <see cref="ReadCredential"/>,
    /// <see cref="StartEpoch"/>, <see cref="ComposeSession"/>. <see cref="Tick"/> is the collection loop's
    /// step (tests drive it with a controlled clock); <see cref="Run"/> is the board's main loop.
    /// </summary>
    public sealed class DeviceApplication : ICommandTarget
    {
        /// <summary>Stable reason: no valid credential on the drive.</summary>
        public const string CredentialMissing = "credential_missing";

        /// <summary>Stable reason: the credential fails its format's checks.</summary>
        public const string CredentialInvalid = "credential_invalid";

        /// <summary>Stable reason: the boot epoch could not be persisted (storage failure or exhausted).</summary>
        public const string EpochUnavailable = "epoch_unavailable";

        /// <summary>Stable reason: the clients could not be created from the credential (e.g. a CA certificate that does not parse).</summary>
        public const string SetupFailed = "setup_failed";

        // Between a reboot command's answer and the restart: time for the answer to reach the gateway.
        private const int RestartDelayMilliseconds = 3000;

        // How often an unprovisioned board looks at its drive again.
        private const int NotProvisionedRetryMilliseconds = 60000;

        // Wi-Fi joins: each attempt waits this long, then backs off exponentially up to the maximum.
        private const int LinkTimeoutMilliseconds = 20000;
        private const int LinkInitialBackoffMilliseconds = 5000;
        private const int LinkMaxBackoffMilliseconds = 300000;

        private readonly DevicePlatform _platform;
        private readonly ArrayList _sources = new ArrayList();
        private readonly DeviceClock _clock;
        private ApplicationState _state;
        private DeviceConfig? _config;
        private MessageSigner? _signer;
        private Outbox? _outbox;
        private SessionManager? _session;
        private TelemetrySchedule? _schedule;
        private long _linkRetryAt;
        private int _linkFailures;
        private long _collected;
        private long _sourceErrors;
        private CommandProcessor? _commands;
        private CredentialStore? _credentials;
        private DeviceCredential? _credential;
        private DeviceKeys? _keys;
        private ITokenSource? _tokens;

        // The credential this run started with was on probation (section 12.5); false once committed.
        private bool _onProbation;

        // Collections from the loop and from Collect (another thread) take turns.
        private readonly object _collectLock = new object();

        // Set by a reboot command on the session's thread, read by the collection loop.
        private readonly object _restartLock = new object();
        private long _restartAt;

        public DeviceApplication(DevicePlatform platform)
        {
            _platform = platform ?? throw new ArgumentNullException(nameof(platform));
            _clock = new DeviceClock(platform.Clock);
            _sources.Add(new DeviceStatusSource(platform.Status));
        }

        /// <summary>The current state.</summary>
        public ApplicationState State
        {
            get { return _state; }
        }

        /// <summary>The last stable reason the application could not start (or a configuration note), null if none.</summary>
        public string? LastError { get; private set; }

        /// <summary>
        /// The full name of the exception's type behind <see cref="LastError"/> when an exception caused it
        /// (<see cref="SetupFailed"/>, <see cref="EpochUnavailable"/>), for example System.ArgumentException
        /// from a CA certificate that does not parse; null otherwise. Only the type: the message may quote
        /// what was being read.
        /// </summary>
        public string? LastErrorType { get; private set; }

        /// <summary>The configuration in force (after <see cref="Start"/>).</summary>
        public DeviceConfig? Config
        {
            get { return _config; }
        }

        /// <summary>The boot epoch of this run (0 before <see cref="Start"/> succeeded).</summary>
        public uint Epoch { get; private set; }

        /// <summary>True when the epoch record was missing and counting started again at 1 (section 8: re-provision with a rotated secret).</summary>
        public bool EpochStartedOver { get; private set; }

        /// <summary>The session manager (after <see cref="Start"/>).</summary>
        public SessionManager? Session
        {
            get { return _session; }
        }

        /// <summary>The outbox (after <see cref="Start"/>).</summary>
        public Outbox? Outbox
        {
            get { return _outbox; }
        }

        /// <summary>The command processor (after <see cref="Start"/>): what it ran and ignored.</summary>
        public CommandProcessor? Commands
        {
            get { return _commands; }
        }

        /// <summary>True while the credential this run started with is on probation (written by a rotation, not yet accepted by the gateway).</summary>
        public bool OnProbation
        {
            get { return _onProbation; }
        }

        /// <summary>Uptime at which a reboot command restarts the device; 0 when none is due.</summary>
        public long RestartAt
        {
            get
            {
                lock (_restartLock)
                {
                    return _restartAt;
                }
            }
        }

        /// <summary>Telemetry messages collected and signed in this run.</summary>
        public long Collected
        {
            get { return _collected; }
        }

        /// <summary>Uptime at which the next Wi-Fi join may be attempted.</summary>
        public long LinkRetryAt
        {
            get { return _linkRetryAt; }
        }

        /// <summary>Adds a sensor (before <see cref="Start"/>); each message carries its fields after the default ones.</summary>
        public void AddSource(ITelemetrySource source)
        {
            _sources.Add(source ?? throw new ArgumentNullException(nameof(source)));
        }

        /// <summary>
        /// Runs the startup sequence once. Returns true when the application is running; otherwise the
        /// state is <see cref="ApplicationState.NotProvisioned"/> and <see cref="LastError"/> says why.
        /// </summary>
        public bool Start()
        {
            if (_state == ApplicationState.Running)
            {
                return true;
            }

            var config = ReadConfiguration();
            if (config == null)
            {
                return NotProvisioned(null);
            }

            var credential = ReadCredential();
            if (credential == null)
            {
                return NotProvisioned(null);
            }

            try
            {
                StartEpoch();
            }
            catch (Exception ex)
            {
                // IOException from the drive, or an exhausted epoch: both need an operator.
                credential.Clear();
                LastError = EpochUnavailable;
                return NotProvisioned(ex);
            }

            try
            {
                ComposeSession(config, credential);
            }
            catch (Exception ex)
            {
                // Thrown by a platform adapter (X509Certificate on a bad PEM, a socket API): report and
                // wait like an unprovisioned board rather than end the application.
                LastError = SetupFailed;
                return NotProvisioned(ex);
            }

            LastErrorType = null;
            _config = config;
            _schedule = new TelemetrySchedule(_clock.UptimeMilliseconds, config.TelemetryIntervalSeconds);
            _state = ApplicationState.Running;
            return true;
        }

        /// <summary>
        /// One step of the collection loop: keeps the network link up (joins with back-off) and collects
        /// a signed message when one is due. Returns the milliseconds until the next thing is due. The
        /// session manager runs beside it (<see cref="Run"/>) or is stepped by the caller (tests).
        /// </summary>
        public int Tick()
        {
            if (_state != ApplicationState.Running)
            {
                return NotProvisionedRetryMilliseconds;
            }

            var now = _clock.UptimeMilliseconds;
            var restartAt = RestartAt;
            if (restartAt != 0 && now >= restartAt)
            {
                // The reboot command's answer has had its time to leave (section 11.5).
                lock (_restartLock)
                {
                    _restartAt = 0;
                }

                _platform.Restart!.Restart();
            }

            KeepProbation();
            KeepLinkUp(now);
            if (_schedule!.TakeIfDue(now))
            {
                CollectTelemetry();
            }

            now = _clock.UptimeMilliseconds;
            var wait = _schedule.NextDue - now;
            if (!_platform.Link.IsUp && _linkRetryAt - now < wait)
            {
                wait = _linkRetryAt - now;
            }

            return wait < 0 ? 0 : (int)wait;
        }

        /// <summary>
        /// Collects and signs one telemetry message now, outside the schedule, from any thread: for a
        /// caller that sets its own pace (<c>m2m sim</c>'s rate) or a board's event (a button, an alarm).
        /// Does nothing before <see cref="Start"/> succeeded.
        /// </summary>
        public void Collect()
        {
            if (_state == ApplicationState.Running)
            {
                CollectTelemetry();
            }
        }

        /// <summary>
        /// The board's main loop; never returns. Retries the startup sequence until the board is
        /// provisioned, then runs the session manager on its own thread (it sleeps on transport events)
        /// and collects telemetry on this one.
        /// </summary>
        public void Run()
        {
            while (!Start())
            {
                Thread.Sleep(NotProvisionedRetryMilliseconds);
            }

            new Thread(_session!.Run).Start();
            while (true)
            {
                var wait = Tick();
                if (wait > 0)
                {
                    Thread.Sleep(wait);
                }
            }
        }

        /// <summary>Stage 1: the configuration file; a missing file gives the defaults, a bad one stops the start.</summary>
        private DeviceConfig? ReadConfiguration()
        {
            var result = DeviceConfig.Parse(_platform.Files.ReadAll(DeviceConfig.FileName));
            LastError = result.Error;
            return result.Config;
        }

        /// <summary>Stage 2: the credential (docs/device-credential.md), checked against its format's rules.</summary>
        private DeviceCredential? ReadCredential()
        {
            _credentials = new CredentialStore(_platform.Files);
            var credential = _credentials.Load();
            if (credential == null)
            {
                LastError = CredentialMissing;
                return null;
            }

            if (credential.Validate() != null)
            {
                credential.Clear();
                LastError = CredentialInvalid;
                return null;
            }

            _onProbation = _credentials.Provisional;

            return credential;
        }

        /// <summary>Stage 3: persist the next boot epoch before anything is signed (section 6.1).</summary>
        private void StartEpoch()
        {
            var epoch = new BootEpoch(_platform.Files);
            Epoch = epoch.Next();
            EpochStartedOver = epoch.StartedOver;
        }

        /// <summary>Stage 4: keys, signer, outbox, token source, transport, session manager.</summary>
        private void ComposeSession(DeviceConfig config, DeviceCredential credential)
        {
            // The only place the secret is used: through the platform's store, so a hardware-backed one
            // replaces the credential file's S without touching anything below.
            var secrets = _platform.SecretStore ?? new CredentialSecretStore(credential);
            var keys = secrets.DeriveKeys(_platform.Hmac);
            _signer = new MessageSigner(credential.DeviceId, keys.MessageKey, _platform.Hmac, _clock, Epoch);
            _outbox = new Outbox(config.OutboxCapacity);
            var tokens = _platform.Connections.CreateTokenSource(credential, keys, _clock);
            _credential = credential;
            _keys = keys;
            _tokens = tokens;
            var transport = _platform.Connections.CreateMqttTransport(credential, config);

            // A board without PSRAM holds one TLS socket at a time, so it renews in-band with a client
            // assertion built from K_auth rather than fetching a token over HTTPS (protocol section 7.3).
            // Its aud is the credential's token endpoint whatever the issuer: for a device of a trusted
            // external issuer the gateway accepts that issuer's endpoint in-band (section 7.2).
            var renewal = new AssertionRenewalCredential(credential.DeviceId, credential.TokenEndpoint, keys.AuthKey, _platform.Hmac, _clock, _platform.Random);
            var options = new SessionOptions();
            options.KeepAliveSeconds = config.KeepAliveSeconds;
            options.InflightWindow = config.InflightWindow;
            _session = new SessionManager(credential.DeviceId, transport, tokens, renewal, _outbox, _clock, _platform.TimeSync, _platform.Random, options);

            // Both clients hold the CA as the certificate objects their TLS needs; the text itself is not
            // kept (memory budget, docs/architecture.md). A rotation takes it from the drive.
            credential.CaCertificatePem = string.Empty;

            // Commands from the gateway (protocol section 11), authenticated under K_cmd.
            _commands = new CommandProcessor(new CommandCodec(credential.DeviceId, keys.CommandKey, _platform.Hmac), new CommandJournal(_platform.Files), new BuiltInCommands(this), _clock);
            _session.SetCommandProcessor(_commands);
        }

        /// <inheritdoc />
        string ICommandTarget.Describe()
        {
            var detail = new StringBuilder();
            CommandArguments.Append(detail, "uptime_s", (_clock.UptimeMilliseconds / 1000).ToString());
            CommandArguments.Append(detail, "epoch", Epoch.ToString());
            CommandArguments.Append(detail, "collected", _collected.ToString());
            CommandArguments.Append(detail, "outbox", _outbox!.Count.ToString());
            CommandArguments.Append(detail, "telemetry_interval_s", _config!.TelemetryIntervalSeconds.ToString());
            return detail.ToString();
        }

        /// <inheritdoc />
        string? ICommandTarget.Configure(int telemetryIntervalSeconds, int outboxSize)
        {
            // Written first: a setting the device would lose at its next boot is not reported as applied.
            var config = _config!;
            var interval = telemetryIntervalSeconds < 0 ? config.TelemetryIntervalSeconds : telemetryIntervalSeconds;
            var capacity = outboxSize < 0 ? config.OutboxCapacity : outboxSize;
            var previousInterval = config.TelemetryIntervalSeconds;
            var previousCapacity = config.OutboxCapacity;
            config.TelemetryIntervalSeconds = interval;
            config.OutboxCapacity = capacity;
            try
            {
                _platform.Files.WriteAll(DeviceConfig.FileName, config.Format());
            }
            catch (Exception)
            {
                config.TelemetryIntervalSeconds = previousInterval;
                config.OutboxCapacity = previousCapacity;
                return null;
            }

            var detail = new StringBuilder();
            CommandArguments.Append(detail, BuiltInCommands.TelemetryIntervalKey, interval.ToString());
            CommandArguments.Append(detail, BuiltInCommands.OutboxCapacityKey, capacity.ToString());
            if (interval != previousInterval)
            {
                // From now: the next message is due one new interval from now.
                _schedule = new TelemetrySchedule(_clock.UptimeMilliseconds + (interval * 1000L), interval);
            }

            if (capacity != _outbox!.Capacity)
            {
                // The outbox is sized when the application starts: a new capacity takes effect at the next boot.
                CommandArguments.Append(detail, "applies_at_boot", BuiltInCommands.OutboxCapacityKey);
            }

            return detail.ToString();
        }

        /// <inheritdoc />
        bool ICommandTarget.ScheduleRestart()
        {
            if (_platform.Restart == null)
            {
                return false;
            }

            lock (_restartLock)
            {
                _restartAt = _clock.UptimeMilliseconds + RestartDelayMilliseconds;
            }

            return true;
        }

        /// <inheritdoc />
        CommandResult ICommandTarget.RotateSecret(uint sequence, byte[] gatewayPublicKey)
        {
            // Refusals first, before anything is computed or written (section 12.4).
            if (_platform.SecretStore != null)
            {
                // S lives in hardware that cannot take a new one over the air.
                return Failed("secret_in_hardware");
            }

            if (_credential!.AuthMethod != TokenAuthMethod.ClientAssertion)
            {
                // A standard identity provider holds K_auth as its client secret: only its operator can change it.
                return Failed("external_issuer");
            }

            if (_platform.Restart == null)
            {
                return Failed("restart_unsupported");
            }

            if (_credentials!.Provisional)
            {
                return Failed("rotation_pending");
            }

            var exchange = new SecretExchange(_platform.Hmac, new X25519());
            if (!exchange.Run(_credential.DeviceId, sequence, _credential.Secret, gatewayPublicKey, exchange.NewPrivateKey(_platform.Random, _keys!.CommandKey)))
            {
                return new CommandResult(CommandResult.InvalidArguments, "reason=" + BuiltInCommands.GatewayKeyArgument);
            }

            DeviceCredential? stored = null;
            DeviceCredential? next = null;
            try
            {
                // The record in force, read again for what is not held in memory (the CA text); the other
                // slot gets it with S', one generation higher: in force at the next boot, on probation
                // until the gateway grants a token under it (docs/device-credential.md section 4).
                stored = _credentials.Load();
                if (stored == null)
                {
                    return Failed("credential_not_written");
                }

                next = stored.WithSecret(exchange.NewSecret!);
                _credentials.Rotate(next);
            }
            catch (Exception)
            {
                return Failed("credential_not_written");
            }
            finally
            {
                if (next != null)
                {
                    next.Clear();
                }
                else
                {
                    Array.Clear(exchange.NewSecret!, 0, exchange.NewSecret!.Length);
                }

                if (stored != null)
                {
                    stored.Clear();
                }
            }

            // The device restarts into S' once its answer has had time to leave (section 12.5).
            ((ICommandTarget)this).ScheduleRestart();
            var detail = new StringBuilder();
            CommandArguments.Append(detail, "device_key", Base64Url.Encode(exchange.DevicePublicKey!));
            CommandArguments.Append(detail, "proof", Base64Url.Encode(exchange.Proof!));
            return new CommandResult(CommandResult.Ok, detail.ToString());
        }

        /// <summary>
        /// A credential on probation (written by a rotation, section 12.5) is committed once the gateway
        /// grants a token under it, and given up when the gateway refuses it (invalid_client): the device
        /// then restarts into the previous credential, which the gateway still accepts until it promotes
        /// the new one.
        /// </summary>
        private void KeepProbation()
        {
            if (!_onProbation)
            {
                return;
            }

            try
            {
                if (_tokens!.State == TokenState.Valid)
                {
                    _credentials!.Commit();
                    _onProbation = false;
                }
                else if (_tokens.State == TokenState.Refused && _tokens.LastError == "invalid_client" && _credentials!.Abandon())
                {
                    _onProbation = false;
                    if (_platform.Restart != null)
                    {
                        _platform.Restart.Restart();
                    }
                }
            }
            catch (Exception)
            {
                // The drive failed: still on probation, tried again at the next tick.
            }
        }

        private static CommandResult Failed(string reason)
        {
            return new CommandResult(CommandResult.Failed, "reason=" + reason);
        }

        private void KeepLinkUp(long now)
        {
            if (_platform.Link.IsUp || now < _linkRetryAt)
            {
                return;
            }

            if (_platform.Link.TryConnect(LinkTimeoutMilliseconds))
            {
                _linkFailures = 0;
                _linkRetryAt = 0;

                // The session may be backing off after failures the lost link caused: end that wait now.
                _session!.RetryNow();
                return;
            }

            _linkFailures++;
            long backoff = LinkInitialBackoffMilliseconds;
            for (var i = 1; i < _linkFailures && backoff < LinkMaxBackoffMilliseconds; i++)
            {
                backoff *= 2;
            }

            _linkRetryAt = _clock.UptimeMilliseconds + (backoff > LinkMaxBackoffMilliseconds ? LinkMaxBackoffMilliseconds : backoff);
        }

        private void CollectTelemetry()
        {
            lock (_collectLock)
            {
                // Device-level fields first, owned here; then each source's. Signed now, sent whenever the
                // session can (section 6.3), so readings taken offline keep their origin.
                var payload = new TelemetryPayload();
                payload.Add("uptime_s", _clock.UptimeMilliseconds / 1000);
                payload.Add("epoch", Epoch);
                payload.Add("dropped", _outbox!.Dropped);
                payload.Add("refused", _session!.Refused);
                for (var i = 0; i < _sources.Count; i++)
                {
                    try
                    {
                        ((ITelemetrySource)_sources[i]!).AppendTo(payload);
                    }
                    catch (Exception)
                    {
                        // A failing sensor must not stop the heartbeat; its fields are simply absent.
                        _sourceErrors++;
                    }
                }

                if (_sourceErrors > 0)
                {
                    payload.Add("source_errors", _sourceErrors);
                }

                _session.Submit(_signer!.Sign(TelemetryPayload.ContentType, payload.ToBytes()));
                _collected++;
            }
        }

        // Every failed start: the state, the reason's exception type if any, and the board's status.
        private bool NotProvisioned(Exception? cause)
        {
            _state = ApplicationState.NotProvisioned;
            LastErrorType = cause == null ? null : cause.GetType().FullName;
            _platform.Status.ReportStartFailure(LastError!, LastErrorType);
            return false;
        }
    }
}
