using Microsoft.AspNetCore.Mvc;

namespace Doctolib.Telehealth.Signaling;

/// <summary>RFC 7807 problem details with a stable type, <c>urn:telehealth:problem:{code}</c>.</summary>
internal static class Problems
{
    public const string TypePrefix = "urn:telehealth:problem:";

    public static IResult Result(int status, string code, string title, string detail, IDictionary<string, string[]>? errors = null) =>
        errors is null
            ? Results.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + code)
            : Results.ValidationProblem(errors, detail: detail, statusCode: status, title: title, type: TypePrefix + code);

    public static async Task WriteAsync(HttpContext context, int status, string code, string title, string detail,
        IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var details = new ProblemDetails { Status = status, Type = TypePrefix + code, Title = title, Detail = detail };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            details.Extensions[name] = value;
        }
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details });
    }

    /// <summary>Gives the framework's own problem details (route misses, 405, the status code pages) our type.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var details = context.ProblemDetails;
        if (details.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }
        var status = details.Status ?? context.HttpContext.Response.StatusCode;
        var (code, detail) = status switch
        {
            StatusCodes.Status400BadRequest => ("bad-request", "The request could not be read."),
            StatusCodes.Status401Unauthorized => ("token-missing", "This needs a bearer token."),
            StatusCodes.Status403Forbidden => ("forbidden-role", "Your role does not allow this."),
            StatusCodes.Status404NotFound => ("not-found", "There is nothing at this address. Ids in paths are GUIDs."),
            StatusCodes.Status405MethodNotAllowed => ("method-not-allowed", "This address does not answer this HTTP method."),
            StatusCodes.Status406NotAcceptable => ("not-acceptable", "This address cannot answer in the accepted media types."),
            StatusCodes.Status413PayloadTooLarge => ("body-too-large", "The request body is larger than this endpoint accepts."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", "Send the body as JSON with Content-Type: application/json."),
            >= 500 => ("server-error", "Something failed on the server; the error is logged with this request's trace id."),
            _ => ($"status-{status}", details.Detail ?? ""),
        };
        details.Type = TypePrefix + code;
        details.Detail ??= detail;
    }

    /// <summary>The HTTP status a refused room operation maps to.</summary>
    public static int StatusOf(string roomErrorCode) => roomErrorCode switch
    {
        Rooms.RoomErrors.AppointmentNotFound => StatusCodes.Status404NotFound,
        Rooms.RoomErrors.NotThePatient or Rooms.RoomErrors.NotThePractitioner or Rooms.RoomErrors.NotInvited
            or Rooms.RoomErrors.RoleNotAllowed => StatusCodes.Status403Forbidden,
        Rooms.RoomErrors.ReasonRequired => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    };
}
