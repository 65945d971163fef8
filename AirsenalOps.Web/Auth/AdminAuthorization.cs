using AirsenalOps.Core.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace AirsenalOps.Web.Auth;

/// <summary>The API's rule: a valid bearer token whose <c>email</c> is the current admin's.</summary>
public sealed class AdminRequirement : IAuthorizationRequirement
{
    public const string Policy = "Admin";

    public static void AddPolicy(AuthorizationOptions options) =>
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new AdminRequirement()));
}

internal sealed class AdminRequirementHandler(AdminAccount admin) : AuthorizationHandler<AdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        var current = await admin.GetAsync(CancellationToken.None);
        if (current?.Is(AdminTokenValidator.EmailOf(context.User)) == true)
        {
            context.Succeed(requirement);
        }
    }
}
