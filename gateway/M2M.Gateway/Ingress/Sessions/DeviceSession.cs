using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>
/// One authenticated MQTT connection of a device: who it is (the directory's current record, to
/// which its token was bound) and until when it may stay (docs/protocol.md section 7.1).
/// </summary>
public sealed class DeviceSession
{
    private readonly object _lock = new();
    private readonly IReadOnlyList<string>? _tokenRoles;
    private DateTimeOffset _deadline;
    private DeviceRecord _device;
    private IReadOnlyList<string> _roles;

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

    /// <summary>The timer that enforces <see cref="Deadline"/>.</summary>
    internal ITimer? DeadlineTimer { get; set; }

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

    internal void Refresh(DeviceRecord device)
    {
        lock (_lock)
        {
            _device = device;
            _roles = BindCredential.Roles(device, _tokenRoles);
        }
    }
}
