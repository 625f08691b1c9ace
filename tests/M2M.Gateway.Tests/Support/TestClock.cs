using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>The gateway clock of tests that control time: a fake clock that starts at a fixed instant and moves only when told.</summary>
public static class TestClock
{
    /// <summary>Where every fixed test clock starts: 2027-01-01T00:00:00Z, a whole second, after every vector's time.</summary>
    public static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh clock at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Fixed() => new(Start);
}
