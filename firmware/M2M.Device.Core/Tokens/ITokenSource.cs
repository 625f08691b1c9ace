namespace M2M.Device.Core.Tokens
{
    /// <summary>Where a device stands with its access token.</summary>
    public enum TokenState
    {
        /// <summary>No token yet; a request is due.</summary>
        None,

        /// <summary>A token is held and not yet expired.</summary>
        Valid,

        /// <summary>The last request failed with a network or server error; the next one is backed off.</summary>
        Retrying,

        /// <summary>
        /// The issuer refused the credential (invalid_client, RFC 6749 section 5.2). Retrying would not
        /// help; the device reports it and waits for an operator (or a much longer back-off).
        /// </summary>
        Refused,
    }

    /// <summary>
    /// The access token the session manager connects and renews with (docs/protocol.md sections 3,
    /// 5.1 and 7.2). Implemented by the token client; the session manager only asks, never builds
    /// HTTP requests itself. Times are uptime milliseconds (<see cref="Platform.IClock"/>).
    /// </summary>
    public interface ITokenSource
    {
        /// <summary>The current state.</summary>
        TokenState State { get; }

        /// <summary>The access token (a compact JWT), or null when none is valid. Never logged.</summary>
        string AccessToken { get; }

        /// <summary>Uptime at which <see cref="AccessToken"/> expires.</summary>
        long ExpiresAtUptime { get; }

        /// <summary>Uptime at which <see cref="RefreshIfDue"/> will next act (renewal time or the end of a back-off).</summary>
        long NextRefreshUptime { get; }

        /// <summary>
        /// Requests a token when one is due (none held, renewal time reached, back-off over); otherwise
        /// returns at once. Blocks at most for the HTTP timeout. Returns true when a new token was obtained.
        /// </summary>
        bool RefreshIfDue();

        /// <summary>
        /// Forgets the token's text once it has been presented (the CONNECT that used it, an in-band
        /// renewal): the device holds no access token longer than needed (docs/architecture.md, "Device
        /// memory budget"). <see cref="State"/>, <see cref="ExpiresAtUptime"/> and
        /// <see cref="NextRefreshUptime"/> stay as they were; <see cref="AccessToken"/> is null, and the
        /// next <see cref="RefreshIfDue"/> requests a new token at once.
        /// </summary>
        void Release();

        /// <summary>Forgets the token so the next <see cref="RefreshIfDue"/> requests one (e.g. CONNACK 0x86/0x87).</summary>
        void Invalidate();

        /// <summary>A short, stable description of the last failure (an OAuth error code or "network"); null after success.</summary>
        string LastError { get; }
    }
}
