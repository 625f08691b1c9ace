using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Audit;

/// <summary>The audit log, newest first, filtered by action, actor, device and outcome.</summary>
public sealed class AuditModel(AuditTail tail) : PageModel
{
    /// <summary>Lines shown at most.</summary>
    public const int Limit = 200;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "device")]
    public string? DeviceId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Lines = await tail.ReadAsync(new AuditFilter(Blank(Action), Blank(Actor), Blank(DeviceId), Blank(Outcome)), Limit, HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
