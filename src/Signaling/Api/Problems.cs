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

    public static async Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = TypePrefix + code, Title = title, Detail = detail },
        });
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
