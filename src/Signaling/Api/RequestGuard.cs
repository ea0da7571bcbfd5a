using Microsoft.AspNetCore.Http.Features;

namespace Doctolib.Telehealth.Signaling;

/// <summary>Checks every request before it reaches an endpoint: a body larger than its path accepts is refused with 413
/// (from its Content-Length, and by Kestrel's per-request limit while a chunked body is read), and a query value with a
/// control character (NUL, which PostgreSQL refuses, or a newline) or longer than <see cref="MaxQueryValueLength"/> is
/// refused with 400 naming the parameter.</summary>
internal static class RequestGuard
{
    /// <summary>An API or dev-token body: appointment, refund and reconciliation bodies are a few hundred bytes.</summary>
    public const long MaxApiBodyBytes = 64 * 1024;

    /// <summary>A Stripe event: Stripe's payloads are well under this.</summary>
    public const long MaxWebhookBodyBytes = 512 * 1024;

    public const int MaxQueryValueLength = 256;

    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var limit = LimitFor(request.Path);
        if (limit is { } bytes)
        {
            if (request.ContentLength > bytes)
            {
                await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large",
                    $"This endpoint accepts bodies of at most {bytes} bytes.");
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = bytes;
            }
        }
        foreach (var (name, values) in request.Query)
        {
            if (name == "access_token")
            {
                continue;
            }
            foreach (var value in values)
            {
                if (value is not null && (value.Length > MaxQueryValueLength || HasControlCharacter(value)))
                {
                    await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid-parameter", "Invalid parameter",
                        $"'{Printable(name)}' must be at most {MaxQueryValueLength} characters without control characters.",
                        new Dictionary<string, object?> { ["parameter"] = Printable(name) });
                    return;
                }
            }
        }
        await next(context);
    });

    public static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    private static long? LimitFor(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/dev") ? MaxApiBodyBytes
        : path.StartsWithSegments("/webhooks") ? MaxWebhookBodyBytes
        : null;

    private static string Printable(string name) =>
        name.Length <= 64 && !HasControlCharacter(name) ? name : "(unreadable parameter name)";
}
