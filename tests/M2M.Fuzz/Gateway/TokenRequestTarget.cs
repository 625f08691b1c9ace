using System.Reflection;
using M2M.Gateway.Tokens;
using M2M.Gateway.Tokens.Assertion;
using Microsoft.Extensions.Options;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// A token request as the token endpoint reads it before it knows the client (docs/protocol.md
/// sections 3.1 and 3.2): <see cref="ValidateTokenRequest"/> on the form body (byte 0 chooses the
/// Content-Type and whether the body comes chunked), then, for a well-formed request,
/// <see cref="ReadAssertion"/> on its client assertion, the stage that parses the JWS. Checks that
/// each refusal is a <see cref="TokenReason"/>, that no more assertions are kept to spend than
/// <see cref="ValidateTokenRequest.MaxSeenAssertions"/>, and that a read assertion has its claims
/// and a signing input made of its first two parts.
/// </summary>
public sealed class TokenRequestTarget : FuzzTarget
{
    private static readonly string?[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "application/json",
        null, "application/x-www-form-urlencoded; charset=iso-8859-1", "APPLICATION/X-WWW-FORM-URLENCODED", "multipart/form-data; boundary=x", "text/plain",
    ];

    private static readonly HashSet<string> ReasonSet =
    [
        "assertion_read",
        .. typeof(TokenReason).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(TokenReason))
            .Select(f => ((TokenReason)f.GetValue(null)!).Label),
    ];

    private readonly ValidateTokenRequest _validate = new(Options.Create(new TokenOptions()));
    private readonly ReadAssertion _read = new();

    public override string Name => "token-request";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var choice = input.Length == 0 ? 0 : input[0];
        var request = HttpRequests.Of(ContentTypes[choice % ContentTypes.Length], input.Length == 0 ? [] : input[1..], chunked: (choice & 0x80) != 0);
        var validation = _validate.RunAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        if (validation.SeenAssertions.Count > ValidateTokenRequest.MaxSeenAssertions)
        {
            throw new FuzzInvariantException($"token-request: {validation.SeenAssertions.Count} assertions kept to spend");
        }

        if (validation.Request == null)
        {
            return validation.Reason?.Label ?? "no_reason";
        }

        var context = new AssertionContext(validation.Request.Assertion, validation.Request.ClientId, GatewayParts.Now);
        var reason = _read.RunAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (reason != null)
        {
            return reason.Label;
        }

        var parts = validation.Request.Assertion.Split('.');
        if (context.Claims == null || context.SigningInput != parts[0] + "." + parts[1])
        {
            throw new FuzzInvariantException("token-request: an assertion read without its claims or signing input");
        }

        return "assertion_read";
    }
}
