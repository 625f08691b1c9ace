using M2M.Gateway.Audit;
using M2M.Gateway.OperatorConsole.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Audit;

/// <summary>The audit log, newest first, filtered by action, actor, device and outcome.</summary>
public sealed class AuditModel(AuditLogReader reader) : PageModel
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
        // A tenant-scoped key reads its tenant's lines only, as on the admin API.
        var visible = AuditLogReader.VisibleTo(ConsoleSession.Access(User));
        var filter = new AuditFilter(Blank(Action), Blank(Actor), Blank(DeviceId), Blank(Outcome));
        var lines = await reader.ReadNewestAsync(Limit, e => visible(e) && AuditLine.From(e) is { } line && filter.Matches(line), HttpContext.RequestAborted).ConfigureAwait(false);
        Lines = lines.Select(AuditLine.From).OfType<AuditLine>().ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
