using M2M.Gateway.Access;
using M2M.Gateway.OperatorConsole.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>Registers a device, as <c>POST /admin/v1/devices</c> does, and shows its secret once.</summary>
public sealed class RegisterModel(DeviceActions actions, ProvisioningDownload download) : PageModel
{
    [BindProperty]
    public string? DeviceId { get; set; }

    [BindProperty]
    public string? Tenant { get; set; }

    /// <summary>Roles, separated by commas or spaces.</summary>
    [BindProperty]
    public string? Roles { get; set; }

    public ConsoleProblem? Problem { get; private set; }

    public SecretOnce? Created { get; private set; }

    /// <summary>Whether the form is shown; the POST is decided again by <see cref="DeviceActions"/>.</summary>
    public bool MayAct => ConsoleAccess.Allows(User, AccessAction.ManageDevices);

    /// <summary>The form starts with the key's own tenant (a tenant-scoped key registers in no other), else <c>default</c>.</summary>
    public void OnGet() => Tenant = ConsoleSession.Access(User).Tenant ?? "default";

    public async Task<IActionResult> OnPostAsync()
    {
        var roles = (Roles ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outcome = await actions.AddAsync(HttpContext, DeviceId?.Trim(), Tenant?.Trim(), roles).ConfigureAwait(false);
        if (outcome.Problem is { } problem)
        {
            Problem = problem;
            Response.StatusCode = problem.Status;
            return Page();
        }

        Created = download.Show((Admin.DeviceResponse)outcome.Value!);
        return Page();
    }
}
