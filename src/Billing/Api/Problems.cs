using Microsoft.AspNetCore.Http;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>RFC 7807 answers with stable <c>urn:telehealth:problem:&lt;code&gt;</c> types.</summary>
internal static class Problems
{
    public static IResult Of(int status, string code, string title, string? detail = null) =>
        Results.Problem(type: $"urn:telehealth:problem:{code}", title: title, detail: detail, statusCode: status);
}
