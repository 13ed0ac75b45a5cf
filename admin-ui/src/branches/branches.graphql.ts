const BRANCH = /* GraphQL */ `
    fragment BranchFields on Branch {
        id
        name
        code
        address
        regionID
        archivedAt
    }
`;

export const BRANCH_LIST = /* GraphQL */ `
    query BranchList($first: Int, $after: Cursor, $where: BranchWhereInput, $orderBy: BranchOrder) {
        branches(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...BranchFields
                }
            }
        }
    }
    ${BRANCH}
`;

export const BRANCH_NODES = /* GraphQL */ `
    query BranchNodes($ids: [ID!]!) {
        nodes(ids: $ids) {
            ... on Branch {
                ...BranchFields
            }
        }
    }
    ${BRANCH}
`;

export const CREATE_BRANCH = /* GraphQL */ `
    mutation CreateBranch($input: CreateBranchInput!) {
        createBranch(input: $input) {
            ...BranchFields
        }
    }
    ${BRANCH}
`;

export const UPDATE_BRANCH = /* GraphQL */ `
    mutation UpdateBranch($id: ID!, $input: UpdateBranchInput!) {
        updateBranch(id: $id, input: $input) {
            ...BranchFields
        }
    }
    ${BRANCH}
`;
