namespace M2M.Gateway.Tests.Support;

/// <summary>A fact about Unix file modes: reported as skipped, not passed, where there are none (Windows).</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
