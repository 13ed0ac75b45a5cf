const REGION = /* GraphQL */ `
    fragment RegionFields on Region {
        id
        name
        code
        archivedAt
    }
`;

export const REGION_LIST = /* GraphQL */ `
    query RegionList($first: Int, $after: Cursor, $where: RegionWhereInput, $orderBy: RegionOrder) {
        regions(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...RegionFields
                }
            }
        }
    }
    ${REGION}
`;

export const REGION_NODES = /* GraphQL */ `
    query RegionNodes($ids: [ID!]!) {
        nodes(ids: $ids) {
            ... on Region {
                ...RegionFields
            }
        }
    }
    ${REGION}
`;

export const CREATE_REGION = /* GraphQL */ `
    mutation CreateRegion($input: CreateRegionInput!) {
        createRegion(input: $input) {
            ...RegionFields
        }
    }
    ${REGION}
`;

export const UPDATE_REGION = /* GraphQL */ `
    mutation UpdateRegion($id: ID!, $input: UpdateRegionInput!) {
        updateRegion(id: $id, input: $input) {
            ...RegionFields
        }
    }
    ${REGION}
`;
