namespace M2M.Gateway.Commands;

/// <summary>Configuration section <c>Commands</c> (docs/admin-api.md, "Commands").</summary>
public sealed class CommandOptions
{
    public const string Section = "Gateway:Commands";

    /// <summary>How long a command waits for its device when the request names no time to live.</summary>
    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest time to live a request may ask for.</summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(30);
}
