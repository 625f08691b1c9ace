using M2M.Gateway.Access;
using M2M.Gateway.Admin;
using M2M.Gateway.Commands;
using M2M.Gateway.Journal;
using M2M.Gateway.OperatorConsole.Fleet;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;
using M2M.Gateway.Rotation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// One device: what the registry, the journal and the ingress know of it, its commands and
/// over-the-air rotations, its live telemetry, and the actions (disable, enable, rotate, rotate
/// over the air, send a command, delete), each confirmed on a page of its own before the POST that
/// does it through the admin API's own handler (<see cref="DeviceActions"/>).
/// </summary>
public sealed class DeviceModel(FleetQuery fleet, DeviceActions actions, ProvisioningDownload download, CommandStore commandStore, RotationStore rotationStore, IServiceProvider services, TimeProvider time) : PageModel
{
    /// <summary>How many of the newest commands and rotations the page lists.</summary>
    public const int Newest = 10;

    /// <summary>The actions a device page offers, by handler name.</summary>
    public static readonly IReadOnlyDictionary<string, string> ActionTitles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["disable"] = "Disable",
        ["enable"] = "Enable",
        ["rotate"] = "Rotate the secret",
        ["ota"] = "Rotate over the air",
        ["delete"] = "Delete",
    };

    /// <summary>The built-in commands the page sends (docs/protocol.md section 11.5; rotate-secret is the over-the-air rotation's).</summary>
    public static readonly IReadOnlyList<string> Commands = ["ping", "set-config", "reboot"];

    /// <summary>set-config's arguments (docs/device-config.md), the only arguments a built-in command takes.</summary>
    public static readonly IReadOnlyList<string> ConfigArguments = ["telemetry_interval_s", "outbox_capacity"];

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    /// <summary>What each action did, for the notice after it (<c>?done=disable</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> DoneNotices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["disable"] = "Disabled: its tokens are refused and its session was ended.",
        ["enable"] = "Enabled.",
        ["command"] = "Command queued: it is sent while the device is connected; its status below follows it.",
        ["ota"] = "Over-the-air rotation started: the device and the gateway agree a new secret; its state below follows it.",
    };

    /// <summary>The action just done, if any (after the redirect that follows it).</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? DoneAction { get; set; }

    /// <summary>The action awaiting confirmation, if any (<c>?confirm=disable</c>, <c>?confirm=command</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Confirm { get; set; }

    /// <summary>The command to confirm or send (one of <see cref="Commands"/>).</summary>
    [BindProperty(SupportsGet = true, Name = "command")]
    public string? CommandName { get; set; }

    /// <summary>set-config's values as typed (empty ones are left out).</summary>
    [BindProperty(SupportsGet = true)]
    public Dictionary<string, string?> Arguments { get; set; } = [];

    /// <summary>The over-the-air rotation's deadline, in seconds (empty: the gateway's default).</summary>
    [BindProperty(SupportsGet = true)]
    public long? TimeoutSeconds { get; set; }

    public FleetRow? Row { get; private set; }

    /// <summary>The replay mark the journal committed (durable), or null before the first accepted message.</summary>
    public ReplayMark? Mark { get; private set; }

    public IReadOnlyList<CommandEntry> CommandEntries { get; private set; } = [];

    public IReadOnlyList<RotationEntry> Rotations { get; private set; } = [];

    /// <summary>True while a command waits for its answer or a rotation is unfinished: the page follows them (console.js).</summary>
    public bool InProgress => CommandEntries.Any(c => !c.Completed) || Rotations.Any(r => !r.Finished);

    public ConsoleProblem? Problem { get; private set; }

    /// <summary>What the last action did, for the notice.</summary>
    public string? Done { get; private set; }

    /// <summary>A new secret after a rotation, shown once.</summary>
    public SecretOnce? NewSecret { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>Whether the session's key may act on this device (the actions are shown); the POST is decided again by <see cref="DeviceActions"/>.</summary>
    public bool MayAct => ConsoleAccess.Allows(User, AccessAction.ManageDevices, Row?.Device.Tenant);

    /// <summary>The command's arguments that were given (set-config's; the others take none).</summary>
    public Dictionary<string, string> GivenArguments => CommandName == "set-config"
        ? Arguments.Where(a => ConfigArguments.Contains(a.Key) && !string.IsNullOrWhiteSpace(a.Value)).ToDictionary(a => a.Key, a => a.Value!.Trim(), StringComparer.Ordinal)
        : [];

    public async Task<IActionResult> OnGetAsync()
    {
        Done = DoneAction != null && DoneNotices.TryGetValue(DoneAction, out var notice) ? notice : null;
        return await ShowAsync(StatusCodes.Status200OK).ConfigureAwait(false);
    }

    // Post/Redirect/Get: reloading the page after an action must not send it again.
    public Task<IActionResult> OnPostDisableAsync() => ActAsync(actions.SetEnabledAsync(HttpContext, Id, false), "disable");

    public Task<IActionResult> OnPostEnableAsync() => ActAsync(actions.SetEnabledAsync(HttpContext, Id, true), "enable");

    public Task<IActionResult> OnPostOtaAsync() => ActAsync(actions.RotateOverTheAirAsync(HttpContext, Id, TimeoutSeconds), "ota");

    public Task<IActionResult> OnPostCommandAsync() =>
        CommandName != null && Commands.Contains(CommandName)
            ? ActAsync(actions.QueueCommandAsync(HttpContext, Id, CommandName, GivenArguments), "command")
            : ShowProblemAsync(new ConsoleProblem(StatusCodes.Status400BadRequest, AdminProblems.InvalidCommand, "Invalid command", $"The console sends {string.Join(", ", Commands)}."));

    // The new secret is shown in this answer, the only time it is shown: no redirect.
    public async Task<IActionResult> OnPostRotateAsync()
    {
        var outcome = await actions.RotateAsync(HttpContext, Id).ConfigureAwait(false);
        if (outcome.Problem != null)
        {
            return await ShowProblemAsync(outcome.Problem).ConfigureAwait(false);
        }

        NewSecret = download.Show((DeviceResponse)outcome.Value!);
        Done = "Rotated: a new credential generation. Its earlier secret no longer works; give the device the new one.";
        return await ShowAsync(StatusCodes.Status200OK).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        var outcome = await actions.DeleteAsync(HttpContext, Id).ConfigureAwait(false);
        return outcome.Problem != null
            ? await ShowProblemAsync(outcome.Problem).ConfigureAwait(false)
            : LocalRedirect(ConsoleExtensions.BasePath + "?deleted=" + Uri.EscapeDataString(Id));
    }

    /// <summary>Waits for <paramref name="action"/>; then redirects to the page with the notice of <paramref name="done"/>, or shows its problem.</summary>
    private async Task<IActionResult> ActAsync(Task<ConsoleOutcome> action, string done)
    {
        var outcome = await action.ConfigureAwait(false);
        return outcome.Problem != null
            ? await ShowProblemAsync(outcome.Problem).ConfigureAwait(false)
            : LocalRedirect($"{ConsoleExtensions.BasePath}/devices/{Uri.EscapeDataString(Id)}?done={done}");
    }

    private Task<IActionResult> ShowProblemAsync(ConsoleProblem problem)
    {
        Confirm = null;
        Problem = problem;
        return ShowAsync(problem.Status);
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

        if (Confirm != null && ((!ActionTitles.ContainsKey(Confirm) && !(Confirm == "command" && CommandName != null && Commands.Contains(CommandName))) || !MayAct))
        {
            Confirm = null;
        }

        if (Row == null)
        {
            Problem ??= ConsoleProblem.DeviceNotFound(Id);
            status = StatusCodes.Status404NotFound;
        }
        else
        {
            if (services.GetService<IJournalWriter>() is { } journal)
            {
                Mark = await journal.ReadMarkAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
            }

            CommandEntries = await commandStore.ListAsync(Id, Newest, HttpContext.RequestAborted).ConfigureAwait(false);
            Rotations = await rotationStore.ListAsync(Id, Newest, HttpContext.RequestAborted).ConfigureAwait(false);
        }

        Response.StatusCode = status;
        return Page();
    }
}
