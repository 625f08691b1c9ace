using System.Security.Cryptography;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>The connection a session runs on, as the session registry ends it.</summary>
public interface ISessionConnection
{
    /// <summary>
    /// Ends the connection with a DISCONNECT carrying <paramref name="code"/> and the Reason String
    /// <paramref name="reason"/> (MQTT 5 section 3.14), after the acknowledgements already due. Returns
    /// at once, never throws; a second call does nothing.
    /// </summary>
    void Close(ReasonCode code, string reason);

    /// <summary>
    /// Sends a QoS 0 PUBLISH to the device (a command, docs/protocol.md section 11) after what is
    /// already queued. False, sending nothing, when the connection is closing or the packet would
    /// exceed the device's Maximum Packet Size (MQTT 5 section 3.1.2.11.4).
    /// </summary>
    bool Send(string topic, ReadOnlySpan<byte> payload);
}

/// <summary>
/// One authenticated MQTT connection of a device: who it is (the directory's current record, to
/// which its token was bound) and until when it may stay (docs/protocol.md section 7.1).
/// </summary>
public sealed class DeviceSession : IDisposable
{
    private readonly object _lock = new();
    private readonly IReadOnlyList<string>? _tokenRoles;
    private DateTimeOffset _deadline;
    private DeviceRecord _device;
    private IReadOnlyList<string> _roles;
    private string[] _subscriptions = [];
    private string[] _tokenIds = [];
    private DateTimeOffset[] _tokenExpiries = [];
    private IncrementalHash? _mac;
    private long _macGeneration;

    /// <param name="device">The directory's record the token was bound to.</param>
    /// <param name="tokenRoles">The roles an external issuer's token limits the session to, or null (<see cref="CredentialValidation.Roles"/>).</param>
    /// <param name="deadline">When the session ends unless renewed.</param>
    public DeviceSession(DeviceRecord device, IReadOnlyList<string>? tokenRoles, DateTimeOffset deadline)
    {
        _device = device;
        _tokenRoles = tokenRoles;
        _roles = BindCredential.Roles(device, tokenRoles);
        _deadline = deadline;
    }

    /// <summary>The device id, equal to the MQTT client identifier and user name.</summary>
    public string DeviceId => Device.DeviceId;

    /// <summary>The directory's tenant, as last checked (authorization input), never a token's claim.</summary>
    public string Tenant => Device.Tenant;

    /// <summary>The directory's roles as last checked, narrowed by an external issuer's token (authorization input).</summary>
    public IReadOnlyList<string> Roles
    {
        get
        {
            lock (_lock)
            {
                return _roles;
            }
        }
    }

    /// <summary>The directory's record as last checked (K_msg, credential generation).</summary>
    public DeviceRecord Device
    {
        get
        {
            lock (_lock)
            {
                return _device;
            }
        }
    }

    /// <summary>When the session must end unless renewed.</summary>
    public DateTimeOffset Deadline
    {
        get
        {
            lock (_lock)
            {
                return _deadline;
            }
        }
    }


    /// <summary>
    /// The trusted external issuer whose access token opened the session or last renewed it, or null
    /// for the gateway's own: an in-band renewal assertion may then name that issuer's token endpoint
    /// (docs/protocol.md section 7.2).
    /// </summary>
    public string? ExternalIssuer { get; private set; }

    /// <summary>
    /// The lifetime (<c>exp - iat</c>) of that token: an accepted renewal assertion of an external
    /// issuer's session extends it by this much, as the device expects (section 7.2).
    /// </summary>
    public TimeSpan TokenLifetime { get; private set; }

    /// <summary>The claims of that token, as CEL values for the expression policies (docs/policies.md); empty when none.</summary>
    public IReadOnlyDictionary<string, object?> Claims { get; private set; } = new Dictionary<string, object?>();

    /// <summary>Records the access token the session was opened or renewed with (its issuer, lifetime and claims).</summary>
    public void HeldToken(CredentialValidation token)
    {
        ExternalIssuer = token.ExternalIssuer;
        Claims = token.Claims ?? new Dictionary<string, object?>();

        // Policies may read the claims: the topic allowed under the old ones is judged again.
        KnownTopic = null;
        TokenLifetime = token.IssuedAt is { } issuedAt && token.ExpiresAt > issuedAt ? token.ExpiresAt - issuedAt : TimeSpan.Zero;
    }

    /// <summary>The connection the session runs on; set by the broker before the session is registered.</summary>
    public ISessionConnection? Connection { get; set; }

    /// <summary>The topic filters the device subscribed to (re-checked at revalidation, docs/protocol.md section 9.4).</summary>
    public IReadOnlyList<string> Subscriptions
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions;
            }
        }
    }

    /// <summary>
    /// The <c>jti</c> of every gateway access token that authenticated this session (at CONNECT and
    /// at in-band renewals): revoking any of them ends it (RFC 7009, docs/protocol.md section 7.1).
    /// </summary>
    public IReadOnlyList<string> TokenIds
    {
        get
        {
            lock (_lock)
            {
                return _tokenIds;
            }
        }
    }

    /// <summary>
    /// Remembers the <c>jti</c> of a token that authenticated the session; one without (not a
    /// gateway token) is ignored. Tokens that expired more than the largest clock skew before this
    /// one was issued are forgotten: the revocation store remembers a revoked token only until its
    /// expiry plus the skew (RevokedTokens), so they could never end the session, and a session
    /// renewed in band for months would otherwise hold every token it ever had.
    /// </summary>
    public void AddToken(CredentialValidation token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.TokenId == null)
        {
            return;
        }

        lock (_lock)
        {
            var cutoff = (token.IssuedAt ?? DateTimeOffset.MinValue) - Tokens.TokenOptions.MaxClockSkew;
            var ids = new List<string>(_tokenIds.Length + 1);
            var expiries = new List<DateTimeOffset>(_tokenIds.Length + 1);
            for (var i = 0; i < _tokenIds.Length; i++)
            {
                if (_tokenExpiries[i] >= cutoff && !string.Equals(_tokenIds[i], token.TokenId, StringComparison.Ordinal))
                {
                    ids.Add(_tokenIds[i]);
                    expiries.Add(_tokenExpiries[i]);
                }
            }

            ids.Add(token.TokenId);
            expiries.Add(token.ExpiresAt);
            _tokenIds = [.. ids];
            _tokenExpiries = [.. expiries];
        }
    }

    /// <summary>Records a granted subscription (copy on write: subscriptions change rarely, are read at every sweep).</summary>
    public void Subscribe(string filter)
    {
        lock (_lock)
        {
            if (!_subscriptions.Contains(filter, StringComparer.Ordinal))
            {
                _subscriptions = [.. _subscriptions, filter];
            }
        }
    }

    /// <summary>Forgets a subscription; false when there was none (UNSUBACK 0x11, MQTT 5 section 3.11.3).</summary>
    public bool Unsubscribe(string filter)
    {
        lock (_lock)
        {
            if (!_subscriptions.Contains(filter, StringComparer.Ordinal))
            {
                return false;
            }

            _subscriptions = [.. _subscriptions.Where(f => !string.Equals(f, filter, StringComparison.Ordinal))];
            return true;
        }
    }

    /// <summary>Moves the deadline later (never earlier, docs/protocol.md section 7.2); true when it moved.</summary>
    public bool ExtendDeadline(DateTimeOffset deadline)
    {
        lock (_lock)
        {
            if (deadline <= _deadline)
            {
                return false;
            }

            _deadline = deadline;
            return true;
        }
    }

    /// <summary>
    /// The last topic this session was allowed to publish to (stages 1 and 2 passed), so a device that
    /// publishes to the same topic again is not matched against the rules again. Cleared when the
    /// session's record is refreshed.
    /// </summary>
    public string? KnownTopic { get; set; }

    /// <summary>
    /// The HMAC-SHA256 context under K_msg of <paramref name="device"/> (docs/protocol.md section 6.2),
    /// kept for the session's life so a busy device does not create and free one per message. Only the
    /// connection's own processing uses it, one message at a time.
    /// </summary>
    public IncrementalHash MessageMac(DeviceRecord device)
    {
        if (_mac == null || _macGeneration != device.CredentialGeneration)
        {
            _mac?.Dispose();
            _mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, device.MessageKey.Span);
            _macGeneration = device.CredentialGeneration;
        }

        return _mac;
    }

    /// <summary>Frees the HMAC context; called by the connection when it has stopped processing.</summary>
    public void Dispose()
    {
        _mac?.Dispose();
        _mac = null;
    }

    internal void Refresh(DeviceRecord device)
    {
        lock (_lock)
        {
            _device = device;
            _roles = BindCredential.Roles(device, _tokenRoles);
        }

        KnownTopic = null;
    }
}
