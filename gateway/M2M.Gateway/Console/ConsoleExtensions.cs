using M2M.Gateway.Activity;
using M2M.Gateway.Audit;
using M2M.Gateway.OperatorConsole.Assets;
using M2M.Gateway.OperatorConsole.Devices;
using M2M.Gateway.OperatorConsole.Fleet;
using M2M.Gateway.OperatorConsole.Live;
using M2M.Gateway.OperatorConsole.SignIn;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.OperatorConsole;

/// <summary>
/// The operator console (docs/console.md): server-rendered Razor Pages under <c>/console</c>, served by
/// the gateway itself. Sign-in takes an admin API key and opens a cookie session; every page but the
/// sign-in page and the style sheet needs that session.
/// </summary>
public static class ConsoleExtensions
{
    /// <summary>The path every console page is under.</summary>
    public const string BasePath = "/console";

    /// <summary>Adds the pages, the cookie session (and the OpenID Connect sign-in when <c>Gateway:Console:Oidc</c> names a provider), the authorization policies and antiforgery.</summary>
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceActivity>();
        services.AddSingleton<FleetQuery>();
        services.AddSingleton<DeviceActions>();
        services.AddSingleton<ProvisioningDownload>();
        services.TryAddSingleton<AuditLogReader>();
        services.AddRazorPages(options =>
        {
            // Pages live in Console/<job>/, with the route each declares (@page "/console/...").
            options.RootDirectory = "/Console";
            options.Conventions.AuthorizeFolder("/", ConsolePolicies.SignedIn);
            options.Conventions.AllowAnonymousToPage("/SignIn/SignIn");
            options.Conventions.AllowAnonymousToPage("/SignIn/SignedIn");
        });
        // The session cookie and the antiforgery tokens are protected with keys held in memory only:
        // nothing of them is written to disk (ASP.NET Core would otherwise keep them unencrypted in the
        // user's profile), and a restart of the gateway ends every console session.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var authentication = services.AddAuthentication()
            .AddCookie(ConsoleSession.Scheme, ConsoleSession.Configure);
        var oidc = configuration.GetSection(ConsoleOidcOptions.Section).Get<ConsoleOidcOptions>() ?? new ConsoleOidcOptions();
        oidc.Validate();
        services.AddSingleton(oidc);
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(ConsoleOidc.Scheme, options => ConsoleOidc.Configure(options, oidc));
            services.AddOptions<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>(ConsoleOidc.Scheme)
                .Configure<IAuditLog>((options, audit) =>
                {
                    options.Events.OnTokenValidated = context => ConsoleOidc.TokenValidatedAsync(context, oidc, audit);
                    options.Events.OnRemoteFailure = ConsoleOidc.RemoteFailureAsync;
                });
        }

        services.AddSingleton<ConsoleKeys>();
        services.AddSingleton<ConsoleAccess>();
        services.AddSingleton<ConsoleSession.Validator>();
        services.AddOptions<CookieAuthenticationOptions>(ConsoleSession.Scheme)
            .Configure<ConsoleSession.Validator>((options, validator) => options.Events.OnValidatePrincipal = validator.ValidateAsync);
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsolePolicies.SignedIn, ConsolePolicies.RequireSignedIn);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "m2m-console-csrf";
            options.Cookie.Path = BasePath;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.FormFieldName = "__csrf";
        });
        return services;
    }

    /// <summary>Maps the pages, the live events stream and the static assets, behind the console's headers and transport rule.</summary>
    public static WebApplication MapOperatorConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(BasePath), branch => branch.UseMiddleware<ConsoleTransport>());
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        ConsoleAssets.Map(app);
        LiveEventsEndpoint.Map(app);
        return app;
    }
}
