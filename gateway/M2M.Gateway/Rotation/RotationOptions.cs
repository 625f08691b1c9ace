namespace M2M.Gateway.Rotation;

/// <summary>Configuration section <c>Gateway:Rotation</c> (docs/admin-api.md, "Over-the-air rotation").</summary>
public sealed class RotationOptions
{
    public const string Section = "Gateway:Rotation";

    /// <summary>How long a rotation waits for the device to use S' when the request names no timeout; then it is rolled back.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest timeout a request may ask for.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often deadlines and periodic rotations are checked.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);
}
