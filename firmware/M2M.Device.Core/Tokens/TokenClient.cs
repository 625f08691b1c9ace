using System;
using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;

namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// Gets and keeps the device's access token (docs/protocol.md sections 3 and 9.1) with the OAuth 2.0
    /// client credentials grant (RFC 6749 section 4.4). A refresh runs these stages, in order:
    /// BuildRequest, SendRequest, CorrectClock, ReadResponse, then Schedule (renewal at 75-85 % of the
    /// lifetime), Back off (network, 5xx, 429 and other failures: exponential with jitter, honouring
    /// Retry-After) or Refuse (invalid_client: stop, report, retry only after a long wait).
    /// </summary>
    public sealed class TokenClient : ITokenSource
    {
        private readonly DeviceCredential _credential;
        private readonly byte[] _authKey;
        private readonly IRandom _random;
        private readonly DeviceClock _clock;
        private readonly IHttpTransport _http;
        private readonly IJsonParser _json;
        private readonly TokenPolicy _policy;
        private readonly object _lock = new object();
        private string? _token;

        public TokenClient(DeviceCredential credential, DeviceKeys keys, IHmacSha256 hmac, IRandom random, DeviceClock clock, IHttpTransport http, IJsonParser json, TokenPolicy policy)
        {
            if (credential == null || keys == null || hmac == null || random == null || clock == null || http == null || json == null || policy == null)
            {
                throw new ArgumentNullException(credential == null ? nameof(credential) : keys == null ? nameof(keys) : nameof(http));
            }

            _credential = credential;
            _authKey = keys.AuthKey;
            _random = random;
            _clock = clock;
            _http = http;
            _json = json;
            _policy = policy;

            // client_secret_jwt: the HMAC key is the UTF-8 bytes of the client secret (section 3.5).
            var assertionKey = credential.AuthMethod == TokenAuthMethod.ClientSecretJwt ? Encoding.UTF8.GetBytes(TokenRequest.ClientSecret(_authKey)) : _authKey;
            Assertions = new AssertionIssuer(credential.EffectiveClientId, credential.TokenEndpoint, assertionKey, hmac, random, clock, policy.AssertionLifetimeSeconds);
            State = TokenState.None;
        }

        /// <inheritdoc />
        public TokenState State { get; private set; }

        /// <inheritdoc />
        public string AccessToken
        {
            get
            {
                lock (_lock)
                {
                    return _token != null && _clock.UptimeMilliseconds < ExpiresAtUptime ? _token : null!;
                }
            }
        }

        /// <inheritdoc />
        public long ExpiresAtUptime { get; private set; }

        /// <inheritdoc />
        public long NextRefreshUptime { get; private set; }

        /// <inheritdoc />
        public string LastError { get; private set; } = null!;

        /// <summary>Consecutive failed requests (0 after a success).</summary>
        public int Failures { get; private set; }

        /// <summary>Issues the assertions of token requests; also what in-band renewal publishes (section 7.2).</summary>
        public AssertionIssuer Assertions { get; private set; }

        /// <inheritdoc />
        public bool RefreshIfDue()
        {
            lock (_lock)
            {
                // A released token (presented, then forgotten) is replaced when asked for: due now.
                if (_clock.UptimeMilliseconds < NextRefreshUptime && !(State == TokenState.Valid && _token == null))
                {
                    return false;
                }

                return Refresh(true);
            }
        }

        /// <inheritdoc />
        public void Release()
        {
            lock (_lock)
            {
                _token = null;
            }
        }

        /// <inheritdoc />
        public void Invalidate()
        {
            lock (_lock)
            {
                _token = null;
                ExpiresAtUptime = 0;
                if (State == TokenState.Valid)
                {
                    // A refused or backed-off client keeps its wait: no hammering after CONNACK refusals.
                    State = TokenState.None;
                    NextRefreshUptime = _clock.UptimeMilliseconds;
                }
            }
        }

        private bool Refresh(bool mayRetryForClock)
        {
            var sentAt = _clock.UptimeMilliseconds;
            var request = TokenRequest.Build(_credential, Assertions, _authKey);
            var response = SendRequest(request);
            var error = ReadError(response);
            var clockMoved = CorrectClock(response, error);
            if (response.StatusCode == 200 && error == null)
            {
                return ReadToken(response, sentAt);
            }

            if (clockMoved && mayRetryForClock && _credential.AuthMethod != TokenAuthMethod.ClientSecretBasic)
            {
                // Section 3.4: the assertion carried a wrong time (a gateway may call that invalid_request
                // or invalid_client); retry once, now with the corrected time.
                return Refresh(false);
            }

            if (error == "invalid_client" || error == "unauthorized_client")
            {
                Refuse(error);
                return false;
            }

            BackOff(error ?? (response.StatusCode == 0 ? "network" : "http_" + response.StatusCode.ToString()), response);
            return false;
        }

        private HttpResult SendRequest(TokenRequest request)
        {
            try
            {
                return _http.PostForm(_credential.TokenEndpoint, request.Body, request.Authorization);
            }
            catch (Exception)
            {
                // Adapters report failures as NoResponse; anything thrown anyway is a network failure too.
                return HttpResult.NoResponse("transport");
            }
        }

        /// <summary>The OAuth error code of a failed response (RFC 6749 section 5.2), or null.</summary>
        private string? ReadError(HttpResult response)
        {
            if (response.StatusCode == 200 || response.StatusCode == 0)
            {
                return null;
            }

            var members = _json.ParseObject(response.Body);
            var error = members == null ? null : members["error"] as string;
            return error != null && error.Length > 0 && error.Length <= 64 ? error : null;
        }

        /// <summary>
        /// Section 3.4: sets the device clock from the response's Date header when it has no trustworthy
        /// time, or when an assertion was refused and the server's time is far from the device's.
        /// Returns true when the clock moved by more than the tolerance.
        /// </summary>
        private bool CorrectClock(HttpResult response, string? error)
        {
            var serverTime = HttpDate.Parse(response.Date);
            if (serverTime < 0)
            {
                return false;
            }

            var difference = serverTime - _clock.UnixTimeMilliseconds;
            var far = difference > _policy.ClockTolerance || difference < -_policy.ClockTolerance;
            if (!_clock.IsSynchronized || (far && (error == "invalid_client" || error == "unauthorized_client")))
            {
                _clock.Correct(serverTime);
                return far;
            }

            return false;
        }

        private bool ReadToken(HttpResult response, long sentAt)
        {
            var members = _json.ParseObject(response.Body);
            var token = members == null ? null : members["access_token"] as string;
            var type = members == null ? null : members["token_type"] as string;
            var lifetime = members == null ? -1 : ReadSeconds(members["expires_in"]);
            if (token == null || token.Length == 0 || type == null || !IsBearer(type) || lifetime == 0 || lifetime < -1)
            {
                BackOff("invalid_response", response);
                return false;
            }

            if (lifetime < 0)
            {
                lifetime = _policy.DefaultTokenLifetimeSeconds;
            }

            // Lifetimes count from when the request was sent: the token is at least that old.
            var lifetimeMs = lifetime * 1000;
            var permille = _policy.RenewFromPermille + _random.NextInt(_policy.RenewToPermille - _policy.RenewFromPermille + 1);
            _token = token;
            ExpiresAtUptime = sentAt + lifetimeMs;
            NextRefreshUptime = sentAt + (lifetimeMs * permille / 1000);
            State = TokenState.Valid;
            Failures = 0;
            LastError = null!;
            return true;
        }

        /// <summary>RFC 9110 section 10.2.3 and RFC 6749 section 5.2: wait, longer each time, at least as long as Retry-After says.</summary>
        private void BackOff(string error, HttpResult response)
        {
            Failures++;
            var delay = _policy.BackoffBase;
            for (var i = 1; i < Failures && delay < _policy.BackoffCap; i++)
            {
                delay *= 2;
            }

            delay = Jitter(delay < _policy.BackoffCap ? delay : _policy.BackoffCap);
            var retryAfter = RetryAfterMilliseconds(response);
            if (retryAfter > delay)
            {
                delay = retryAfter < _policy.RetryAfterCap ? retryAfter : _policy.RetryAfterCap;
            }

            NextRefreshUptime = _clock.UptimeMilliseconds + delay;
            State = State == TokenState.Refused ? TokenState.Refused : TokenState.Retrying;
            LastError = error;
        }

        /// <summary>Section 9.1: the credential is wrong, disabled or rotated; report and wait long.</summary>
        private void Refuse(string error)
        {
            Failures++;
            _token = null;
            ExpiresAtUptime = 0;
            NextRefreshUptime = _clock.UptimeMilliseconds + Jitter(_policy.RefusedRetry);
            State = TokenState.Refused;
            LastError = error;
        }

        /// <summary>"Equal jitter": a random delay in [d/2, d], so devices that failed together do not retry together.</summary>
        private long Jitter(long delay)
        {
            var half = delay / 2;
            var span = delay - half;
            var random = span > int.MaxValue - 1 ? (long)_random.NextInt(int.MaxValue) : _random.NextInt((int)span + 1);
            return half + random;
        }

        private long RetryAfterMilliseconds(HttpResult response)
        {
            var value = response.RetryAfter;
            if (value == null || value.Length == 0)
            {
                return 0;
            }

            value = value.Trim();
            var seconds = ReadSeconds(value);
            if (seconds >= 0)
            {
                return seconds * 1000;
            }

            // An HTTP-date: measured against the server's own Date when it sent one.
            var at = HttpDate.Parse(value);
            var now = HttpDate.Parse(response.Date);
            if (at < 0)
            {
                return 0;
            }

            var wait = at - (now >= 0 ? now : _clock.UnixTimeMilliseconds);
            return wait > 0 ? wait : 0;
        }

        /// <summary>RFC 6749 section 7.1: the token type is case-insensitive.</summary>
        private static bool IsBearer(string type)
        {
            const string Bearer = "bearer";
            if (type.Length != Bearer.Length)
            {
                return false;
            }

            for (var i = 0; i < Bearer.Length; i++)
            {
                var c = type[i];
                if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != Bearer[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A non-negative whole number of seconds from a JSON number or a digit string; -1 otherwise.</summary>
        private static long ReadSeconds(object? value)
        {
            if (value is int)
            {
                return (int)value >= 0 ? (int)value : -1;
            }

            if (value is long)
            {
                return (long)value >= 0 ? (long)value : -1;
            }

            if (value is double)
            {
                var number = (double)value;
                return number >= 0 && number < 1e12 ? (long)number : -1;
            }

            var text = value as string;
            if (text == null || text.Length == 0 || text.Length > 12)
            {
                return -1;
            }

            long seconds = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    return -1;
                }

                seconds = (seconds * 10) + (text[i] - '0');
            }

            return seconds;
        }
    }
}
