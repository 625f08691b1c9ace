using System.Globalization;
using M2M.Gateway.Access;
using M2M.Gateway.Activity;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Keys;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Relay;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.OperatorConsole.Gateway;

/// <summary>
/// The gateway: message rate and refusals per minute over the last hour, the relay's sinks with
/// their lag and dead letters (and redelivery), and the signing keys with their rotation schedule.
/// </summary>
public sealed class GatewayModel(DeviceActivity activity, IServiceProvider services, ConsoleAccess access, IAuditLog audit, TimeProvider time) : PageModel
{
    public IReadOnlyList<MinuteCount> Minutes { get; private set; } = [];

    public IReadOnlyList<SinkReport> Sinks { get; private set; } = [];

    public IReadOnlyList<SigningKey> Keys { get; private set; } = [];

    public string? CurrentKeyId { get; private set; }

    public TimeSpan RotationInterval { get; private set; }

    public ConsoleProblem? Problem { get; private set; }

    public string? Done { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>Whether redelivery is offered; the POST is decided again by the access gate.</summary>
    public bool MayAct => ConsoleAccess.Allows(User, AccessAction.ManageSinks);

    /// <summary>
    /// Whether the gateway-wide figures (message rates, sinks) are shown: to a global key only, as the
    /// admin API shows the sinks (ReadSinks concerns every tenant); a tenant-scoped key sees the signing keys.
    /// </summary>
    public bool SeesGateway => ConsoleAccess.Allows(User, AccessAction.ReadSinks);

    public void OnGet() => Load();

    /// <summary>Queues every dead letter of <paramref name="sink"/> for redelivery, as <c>POST /admin/v1/sinks/{sink}/dead-letters/redeliver</c> without a body does.</summary>
    public async Task<IActionResult> OnPostRedeliverAsync(string sink)
    {
        var outcome = await access.RunAsync(HttpContext, AdminOperations.RedeliverDeadLetters, new AccessTarget(HttpMethods.Post, $"/admin/v1/sinks/{Uri.EscapeDataString(sink)}/dead-letters/redeliver"), () =>
            Task.FromResult(AdminSinkEndpoints.Redeliver(sink, (null, null), HttpContext, services, audit))).ConfigureAwait(false);
        Problem = outcome.Problem;
        if (outcome.Value is RedeliverResponse done)
        {
            Done = string.Create(CultureInfo.InvariantCulture, $"{done.Queued.Count} dead letters of {sink} queued for redelivery.");
        }

        Load();
        Response.StatusCode = Problem?.Status ?? StatusCodes.Status200OK;
        return Page();
    }

    /// <summary>An SVG polyline's points for <paramref name="values"/> in a 600×120 box, scaled to <paramref name="max"/>.</summary>
    public static string Points(IEnumerable<long> values, long max)
    {
        var list = values.ToList();
        var step = list.Count > 1 ? 600.0 / (list.Count - 1) : 0;
        return string.Join(' ', list.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i * step:0.#},{115 - (110.0 * v / Math.Max(1, max)):0.#}")));
    }

    private void Load()
    {
        Now = time.GetUtcNow();
        Minutes = SeesGateway ? activity.Gateway.Read(Now) : [];
        Sinks = SeesGateway ? services.GetService<RelayStatus>()?.Report() ?? [] : [];
        if (services.GetService<SigningKeyRing>() is { } ring)
        {
            Keys = ring.Published;
            CurrentKeyId = ring.Current.KeyId;
            RotationInterval = services.GetRequiredService<IOptions<SigningKeyOptions>>().Value.RotationInterval;
        }
    }
}
