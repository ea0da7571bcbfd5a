namespace Doctolib.Telehealth.Signaling.Http;

/// <summary>The headers every answer carries. Pages get a Content-Security-Policy that allows only this origin (no
/// inline script or style; Stripe.js only on the visit page and only when Stripe is configured), API answers one that
/// allows nothing; both forbid framing. <c>blob:</c> in connect-src lets the visit page read back the receipt it holds
/// in memory (it fetches the receipt with the bearer token and opens it from a blob URL, so no token goes in a link). API answers (patient and financial data) are never cached. With
/// <c>Http:Hsts</c> on (the server sits behind TLS), Strict-Transport-Security is added.</summary>
internal static class SecurityHeaders
{
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        + "connect-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string StripePagePolicy =
        "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        + "connect-src 'self' blob: https://api.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>One year, subdomains included (RFC 6797).</summary>
    private const string Hsts = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IConfiguration configuration)
    {
        var hsts = configuration.GetValue<bool>("Http:Hsts");
        var stripe = !string.IsNullOrWhiteSpace(configuration["STRIPE_SECRET_KEY"]) || !string.IsNullOrWhiteSpace(configuration["Billing:Stripe:SecretKey"]);
        return app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(), geolocation=(), usb=(), payment=()";
                // A 304 carries no body and no content type; a browser would store its headers over the cached page's, so it
                // gets no policy and the page keeps its own.
                if (response.StatusCode != StatusCodes.Status304NotModified)
                {
                    var page = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
                    headers.ContentSecurityPolicy = !page ? ApiPolicy
                        : stripe && context.Request.Path.StartsWithSegments("/visit") ? StripePagePolicy
                        : PagePolicy;
                }
                var path = context.Request.Path;
                if (path.StartsWithSegments("/api") || path.StartsWithSegments("/dev") || path.StartsWithSegments("/hubs"))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }
                if (hsts)
                {
                    headers.StrictTransportSecurity = Hsts;
                }
                headers.Remove("Server");
                headers.Remove("X-Powered-By");
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
