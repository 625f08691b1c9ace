using M2M.Device.Core.Platform;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>
    /// A token source that issues "token-1", "token-2", ... valid for <see cref="LifetimeMilliseconds"/>,
    /// or fails as the test says. It refreshes only when it has no valid token.
    /// </summary>
    public sealed class FakeTokenSource : ITokenSource
    {
        /// <summary>What the next refresh does: issue a token.</summary>
        public const int Issue = 0;

        /// <summary>What the next refresh does: fail with a network error and retry after <see cref="RetryMilliseconds"/>.</summary>
        public const int Fail = 1;

        /// <summary>What the next refresh does: invalid_client.</summary>
        public const int Refuse = 2;

        private readonly IClock _clock;
        private int _issued;

        public FakeTokenSource(IClock clock, long lifetimeMilliseconds)
        {
            _clock = clock;
            LifetimeMilliseconds = lifetimeMilliseconds;
            State = TokenState.None;
        }

        public long LifetimeMilliseconds { get; set; }

        public long RetryMilliseconds { get; set; } = 5000;

        public int Outcome { get; set; }

        public int Refreshes { get; private set; }

        public int Invalidations { get; private set; }

        public TokenState State { get; private set; }

        public string AccessToken { get; private set; } = null!;

        public long ExpiresAtUptime { get; private set; }

        public long NextRefreshUptime { get; private set; }

        public string LastError { get; private set; } = null!;

        public bool RefreshIfDue()
        {
            var now = _clock.UptimeMilliseconds;
            if (State == TokenState.Valid && AccessToken != null && now < ExpiresAtUptime)
            {
                return false;
            }

            if (State != TokenState.None && State != TokenState.Valid && now < NextRefreshUptime)
            {
                return false;
            }

            Refreshes++;
            if (Outcome == Issue)
            {
                _issued++;
                AccessToken = "token-" + _issued.ToString();
                ExpiresAtUptime = now + LifetimeMilliseconds;
                NextRefreshUptime = ExpiresAtUptime;
                State = TokenState.Valid;
                LastError = null!;
                return true;
            }

            AccessToken = null!;
            State = Outcome == Refuse ? TokenState.Refused : TokenState.Retrying;
            LastError = Outcome == Refuse ? "invalid_client" : "network";
            NextRefreshUptime = now + RetryMilliseconds;
            return false;
        }

        public int Releases { get; private set; }

        public void Release()
        {
            Releases++;
            AccessToken = null!;
        }

        public void Invalidate()
        {
            Invalidations++;
            AccessToken = null!;
            State = TokenState.None;
        }
    }
}
