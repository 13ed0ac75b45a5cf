export const LOGIN = /* GraphQL */ `
    mutation Login($login: String!, $password: String!) {
        login(login: $login, password: $password) {
            accessToken
            refreshToken
            expiresAt
        }
    }
`;

export const REFRESH = /* GraphQL */ `
    mutation Refresh($refreshToken: String!) {
        refresh(refreshToken: $refreshToken) {
            accessToken
            refreshToken
            expiresAt
        }
    }
`;

export const LOGOUT = /* GraphQL */ `
    mutation Logout {
        logout
    }
`;

export const LOGOUT_EVERYWHERE = /* GraphQL */ `
    mutation LogoutEverywhere {
        logoutEverywhere
    }
`;

export const ME = /* GraphQL */ `
    query Me {
        me {
            id
            login
            fullName
            role
            permissions
        }
    }
`;
