using System.Buffers.Text;
using M2M.Gateway.Access;
using M2M.Gateway.OperatorConsole.Fleet;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// One device: what the registry and the ingress know of it, its live telemetry, and the actions
/// (disable, enable, rotate, delete), each confirmed on a page of its own before the POST that does it.
/// </summary>
public sealed class DeviceModel(FleetQuery fleet, DeviceActions actions, ProvisioningDownload download, TimeProvider time) : PageModel
{
    /// <summary>The actions a device page offers, by handler name.</summary>
    public static readonly IReadOnlyDictionary<string, string> ActionTitles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["disable"] = "Disable",
        ["enable"] = "Enable",
        ["rotate"] = "Rotate the secret",
        ["delete"] = "Delete",
    };

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    /// <summary>What each action did, for the notice after it (<c>?done=disable</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> DoneNotices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["disable"] = "Disabled: its tokens are refused and its session was ended.",
        ["enable"] = "Enabled.",
    };

    /// <summary>The action just done, if any (after the redirect that follows it).</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? DoneAction { get; set; }

    /// <summary>The action awaiting confirmation, if any (<c>?confirm=disable</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Confirm { get; set; }

    public FleetRow? Row { get; private set; }

    public ConsoleProblem? Problem { get; private set; }

    /// <summary>What the last action did, for the notice.</summary>
    public string? Done { get; private set; }

    /// <summary>A new secret after a rotation, shown once.</summary>
    public SecretOnce? NewSecret { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>Whether the session's key may act on this device (the actions are shown); the POST is decided again by <see cref="DeviceActions"/>.</summary>
    public bool MayAct => ConsoleAccess.Allows(User, AccessAction.ManageDevices, Row?.Device.Tenant);

    public async Task<IActionResult> OnGetAsync()
    {
        Done = DoneAction != null && DoneNotices.TryGetValue(DoneAction, out var notice) ? notice : null;
        return await ShowAsync(StatusCodes.Status200OK).ConfigureAwait(false);
    }

    // Post/Redirect/Get: reloading the page after disabling or enabling must not send the action again.
    public Task<IActionResult> OnPostDisableAsync() => ActAsync(() => actions.SetEnabledAsync(Actor, Id, false, HttpContext.RequestAborted), "disable");

    public Task<IActionResult> OnPostEnableAsync() => ActAsync(() => actions.SetEnabledAsync(Actor, Id, true, HttpContext.RequestAborted), "enable");

    public Task<IActionResult> OnPostRotateAsync() => ActAsync(
        async () =>
        {
            var (credential, problem) = await actions.RotateAsync(Actor, Id, HttpContext.RequestAborted).ConfigureAwait(false);
            NewSecret = credential == null ? null : new SecretOnce(Id, Base64Url.EncodeToString(credential.Secret.Span), download.DataUrl(Id, credential.Secret.Span));
            return problem;
        },
        null);

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        Problem = await actions.DeleteAsync(Actor, Id, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Problem != null)
        {
            return await ShowAsync(Problem.Status).ConfigureAwait(false);
        }

        return LocalRedirect(ConsoleExtensions.BasePath + "?deleted=" + Uri.EscapeDataString(Id));
    }

    private ConsoleActor Actor => ConsoleActor.Of(HttpContext);

    /// <summary>
    /// Does <paramref name="action"/>; then redirects to the page with the notice of <paramref name="done"/>,
    /// or, for a rotation (<paramref name="done"/> null), shows the new secret in this answer, the only time it is shown.
    /// </summary>
    private async Task<IActionResult> ActAsync(Func<Task<ConsoleProblem?>> action, string? done)
    {
        Confirm = null;
        Problem = await action().ConfigureAwait(false);
        if (Problem == null && done != null)
        {
            return LocalRedirect($"{ConsoleExtensions.BasePath}/devices/{Id}?done={done}");
        }

        Done = Problem == null ? "Rotated: a new credential generation. Its earlier secret no longer works; give the device the new one." : null;
        return await ShowAsync(Problem?.Status ?? StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private async Task<IActionResult> ShowAsync(int status)
    {
        Now = time.GetUtcNow();
        Row = DeviceNames.IsValidDeviceId(Id) ? await fleet.FindAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false) : null;

        // Another tenant's device is answered as absent, as the admin API answers it (404).
        if (Row != null && !ConsoleAccess.Allows(User, AccessAction.ReadDevices, Row.Device.Tenant))
        {
            Row = null;
        }

        if (Confirm != null && (!ActionTitles.ContainsKey(Confirm) || !MayAct))
        {
            Confirm = null;
        }

        if (Row == null)
        {
            Problem ??= ConsoleProblem.DeviceNotFound(Id);
            status = StatusCodes.Status404NotFound;
        }

        Response.StatusCode = status;
        return Page();
    }
}
