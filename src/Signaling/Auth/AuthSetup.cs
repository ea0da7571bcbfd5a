using System.Security.Cryptography;
using Doctolib.Telehealth.Signaling.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Doctolib.Telehealth.Signaling;

/// <summary>JWT bearer authentication (issuer, audience and key from configuration; SignalR's token from the
/// <c>access_token</c> query) and one authorization policy per role. Refusals are problem details.</summary>
public static class AuthSetup
{
    public static WebApplicationBuilder AddTelehealthAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        RequireDevTokensOnlyWhereSafe(options, builder.Environment);
        var key = SigningKey(options, builder.Environment);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(key);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                IssuerSigningKey = key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var token = context.Request.Query["access_token"];
                    if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal))
                    {
                        context.Token = token;
                    }
                    return Task.CompletedTask;
                },
                OnChallenge = AuthProblems.ChallengeAsync,
                OnForbidden = AuthProblems.ForbiddenAsync,
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Patient, p => p.RequireRole(Roles.Patient))
            .AddPolicy(Roles.Practitioner, p => p.RequireRole(Roles.Practitioner))
            .AddPolicy(Roles.Billing, p => p.RequireRole(Roles.Billing))
            .AddPolicy(Roles.Scheduler, p => p.RequireRole(Roles.Scheduler))
            .AddPolicy("participant", p => p.RequireRole(Roles.Patient, Roles.Practitioner, Roles.Guest));
        return builder;
    }

    /// <summary>The environments where <c>POST /dev/tokens</c> may be on: Development (the local run) and the two the
    /// project's own tests run their servers in. Anywhere else (Production, Staging, any other name) the server refuses
    /// to start with it on, since it hands anyone a token for any role.</summary>
    public static readonly IReadOnlySet<string> DevTokenEnvironments = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        Environments.Development, "Testing", "EndToEnd",
    };

    private static void RequireDevTokensOnlyWhereSafe(AuthOptions options, IWebHostEnvironment environment)
    {
        if (options.DevTokens && !DevTokenEnvironments.Contains(environment.EnvironmentName))
        {
            throw new InvalidOperationException(
                $"Auth:DevTokens is true in the '{environment.EnvironmentName}' environment. POST /dev/tokens gives anyone a token for any role, "
                + "so it may only be on in Development (or the tests' Testing and EndToEnd environments). Remove Auth__DevTokens, "
                + "or set ASPNETCORE_ENVIRONMENT=Development for a local run.");
        }
    }

    private static SymmetricSecurityKey SigningKey(AuthOptions options, IWebHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var bytes = Convert.FromBase64String(options.SigningKey);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64).");
            }
            return new SymmetricSecurityKey(bytes);
        }
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Auth:SigningKey is not configured. Set Auth__SigningKey to a base64 key of at least 32 bytes (e.g. `openssl rand -base64 32`).");
        }
        return new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
    }
}
