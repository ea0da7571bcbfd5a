using System.Text.Json;
using System.Text.RegularExpressions;

namespace Doctolib.Telehealth.Signaling;

/// <summary>A request the framework could not bind (a query value that is not a number or a date, a body that is not
/// JSON or not the expected shape, a body over the limit, a content type that is not JSON) becomes problem details with
/// our type and the parameter's name, in every environment. <c>ThrowOnBadRequest</c> is on everywhere so that these
/// reach this handler instead of the framework's bare 400 (Production) or 500 (Development).</summary>
internal sealed partial class BadRequestHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }
        var (code, title, parameter, detail) = Describe(bad);
        var extensions = parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter };
        await Problems.WriteAsync(httpContext, bad.StatusCode, code, title, detail, extensions);
        return true;
    }

    internal static (string Code, string Title, string? Parameter, string Detail) Describe(BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return ("body-too-large", "Body too large", null, "The request body is larger than this endpoint accepts.");
            case StatusCodes.Status415UnsupportedMediaType:
                return ("unsupported-media-type", "Unsupported media type", null, "Send the body as JSON with Content-Type: application/json.");
        }
        var parameter = ParameterPattern().Match(bad.Message) is { Success: true } match ? match.Groups["name"].Value : null;
        if (bad.InnerException is JsonException json)
        {
            var path = json.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : parameter;
            return ("invalid-json", "The body is not valid JSON", path,
                path is null || path == parameter
                    ? "The body could not be read as JSON of the expected shape."
                    : $"The body's field '{path}' is missing a valid value (line {json.LineNumber + 1}).");
        }
        if (bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) || bad.Message.StartsWith("Implicit body", StringComparison.Ordinal))
        {
            return ("invalid-parameter", "Missing parameter", parameter, $"'{parameter ?? "body"}' is required.");
        }
        return ("invalid-parameter", "Invalid parameter", parameter,
            parameter is null ? "The request could not be read." : $"'{parameter}' does not have a valid value for its type.");
    }

    [GeneratedRegex("parameter \"(?:[^\"]*? )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();
}
