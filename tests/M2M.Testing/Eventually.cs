namespace M2M.Testing;

/// <summary>
/// The one way tests wait for something to become true: poll until it holds or a deadline passes,
/// then fail with a message that says what was awaited and what was last seen. Never returns a
/// partial result silently. Use it to wait for a presence; prove an absence with a sentinel (publish
/// a marker afterwards and assert the exact sequence up to it), never with a wait.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>.</exception>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        ValueAsync(() => Task.FromResult(condition()), done => done, what, timeout);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds; an exception it throws ends the wait at once.</summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>.</exception>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        ValueAsync(condition, done => done, what, timeout);

    /// <summary>Waits until the value <paramref name="probe"/> returns satisfies <paramref name="done"/>, and returns it.</summary>
    /// <exception cref="TimeoutException">No value satisfied it within <paramref name="timeout"/>; the message shows the last one.</exception>
    public static Task<T> ValueAsync<T>(Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        ValueAsync(() => Task.FromResult(probe()), done, what, timeout);

    /// <summary>Waits until the value <paramref name="probe"/> returns satisfies <paramref name="done"/>, and returns it.</summary>
    /// <exception cref="TimeoutException">No value satisfied it within <paramref name="timeout"/>; the message shows the last one.</exception>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}; last seen: {Describe(value)}");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        string text => text.Length > 2000 ? text[..2000] + "..." : text,
        System.Collections.ICollection collection => $"{collection.Count} item(s)",
        _ => value.ToString() ?? "?",
    };
}
