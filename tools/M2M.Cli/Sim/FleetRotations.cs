using System.Collections.Concurrent;
using System.Diagnostics;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using M2M.Cli.Rotation;

namespace M2M.Cli.Sim;

/// <summary>
/// <c>m2m sim --rotate-every</c>: every period, asks the gateway to rotate the secret of each simulated
/// device over the air (the admin API calls <c>m2m device rotate --over-the-air</c> makes, docs/protocol.md
/// section 12), skipping a device whose previous rotation is still in progress (the gateway allows one
/// at a time), and follows each rotation until it completes, fails or is rolled back.
/// </summary>
public sealed class FleetRotations(AdminClient client, IReadOnlyList<string> deviceIds, TimeSpan every)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Device id to the sequence of its rotation in progress.
    private readonly ConcurrentDictionary<string, long> _inProgress = new(StringComparer.Ordinal);
    private int _started;
    private int _completed;
    private int _failed;
    private int _skipped;

    public int Started => Volatile.Read(ref _started);

    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Failed, rolled back, or refused when asked to start.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Rounds in which a device was skipped because its previous rotation was still in progress.</summary>
    public int Skipped => Volatile.Read(ref _skipped);

    public int InProgress => _inProgress.Count;

    /// <summary>Why rotations failed: the gateway's state and reason, or the refusal of the start request.</summary>
    public ConcurrentDictionary<string, int> FailureReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a round every period while <paramref name="keepStarting"/> says so, then follows the
    /// rotations in progress until none is left or <paramref name="cancellationToken"/> ends the wait.
    /// </summary>
    public async Task RunAsync(Func<bool> keepStarting, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var nextRound = every;
        while (!cancellationToken.IsCancellationRequested)
        {
            var starting = keepStarting();
            if (!starting && _inProgress.IsEmpty)
            {
                return;
            }

            if (starting && clock.Elapsed >= nextRound)
            {
                await StartRoundAsync(cancellationToken).ConfigureAwait(false);
                nextRound += every;
            }

            await PollAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartRoundAsync(CancellationToken cancellationToken)
    {
        // The rotation has until the next round to complete (at least a minute), then the gateway rolls it back.
        var timeoutSeconds = (int)Math.Ceiling(Math.Max(every.TotalSeconds, 60));
        foreach (var deviceId in deviceIds)
        {
            if (_inProgress.ContainsKey(deviceId))
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }

            try
            {
                var rotation = await RotationRequests.StartAsync(client, deviceId, timeoutSeconds, cancellationToken).ConfigureAwait(false);
                _inProgress[deviceId] = rotation.GetProperty("sequence").GetInt64();
                Interlocked.Increment(ref _started);
            }
            catch (CliException refused)
            {
                Fail("not started: " + refused.Message);
            }
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var (deviceId, sequence) in _inProgress)
        {
            var rotation = await RotationRequests.GetAsync(client, deviceId, sequence, cancellationToken).ConfigureAwait(false);
            if (!rotation.GetProperty("finished").GetBoolean())
            {
                continue;
            }

            _inProgress.TryRemove(deviceId, out _);
            var state = rotation.GetProperty("state").GetString();
            if (state == "completed")
            {
                Interlocked.Increment(ref _completed);
            }
            else
            {
                Fail($"{state} ({(rotation.TryGetProperty("reason", out var reason) ? reason.GetString() : null)})");
            }
        }
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _failed);
        FailureReasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }
}
