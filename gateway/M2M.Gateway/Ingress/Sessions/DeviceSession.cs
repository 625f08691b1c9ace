using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>
/// One authenticated MQTT connection of a device: who it is (from its token and the directory) and
/// until when it may stay (docs/protocol.md section 7.1).
/// </summary>
public sealed class DeviceSession
{
    private readonly object _lock = new();
    private DateTimeOffset _deadline;
    private DeviceRecord _device;

    public DeviceSession(DeviceRecord device, string tenant, IReadOnlyList<string> roles, DateTimeOffset deadline)
    {
        _device = device;
        Tenant = tenant;
        Roles = roles;
        _deadline = deadline;
    }

    /// <summary>The device id, equal to the MQTT client identifier and user name.</summary>
    public string DeviceId => Device.DeviceId;

    /// <summary>The tenant the token named (authorization input).</summary>
    public string Tenant { get; }

    /// <summary>The roles the token named (authorization input).</summary>
    public IReadOnlyList<string> Roles { get; }

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
        }
    }
}
