using System.Buffers.Text;
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
        var (credential, problem) = await actions.AddAsync(
            ConsoleActor.Of(HttpContext), DeviceId?.Trim(), Tenant?.Trim(), roles, HttpContext.RequestAborted).ConfigureAwait(false);
        if (problem != null)
        {
            Problem = problem;
            Response.StatusCode = problem.Status;
            return Page();
        }

        Created = new SecretOnce(credential!.Device.DeviceId, Base64Url.EncodeToString(credential.Secret.Span), download.DataUrl(credential.Device.DeviceId, credential.Secret.Span));
        return Page();
    }
}
