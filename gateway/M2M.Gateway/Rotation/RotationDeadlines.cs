using Microsoft.Extensions.Options;

namespace M2M.Gateway.Rotation;

/// <summary>
/// Runs on the injected clock, every <see cref="RotationOptions.CheckInterval"/>: rolls back the
/// rotations past their deadline and starts the periodic rotations that are due (docs/protocol.md
/// section 12.6, docs/admin-api.md "Periodic rotation").
/// </summary>
public sealed partial class RotationDeadlines(RotationService rotations, IOptions<RotationOptions> options, TimeProvider time, ILogger<RotationDeadlines> logger) : BackgroundService
{
    /// <summary>One check: deadlines first, then due schedules.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await rotations.CheckDeadlinesAsync(cancellationToken).ConfigureAwait(false);
        await rotations.StartDueAsync(options.Value.DefaultTimeout, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        do
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or IOException)
            {
                // Tried again at the next tick; a rotation only waits longer.
                LogCheckFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret rotations: the check of deadlines and schedules failed; tried again at the next tick")]
    private partial void LogCheckFailed(Exception exception);
}
