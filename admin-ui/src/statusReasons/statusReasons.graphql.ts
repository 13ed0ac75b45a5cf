const REASON = /* GraphQL */ `
    fragment StatusReasonFields on StatusReason {
        id
        kind
        code
        titleRu
        titleEn
        commentRequired
        sortOrder
        archivedAt
    }
`;

export const STATUS_REASON_LIST = /* GraphQL */ `
    query StatusReasonList($first: Int, $after: Cursor, $where: StatusReasonWhereInput, $orderBy: StatusReasonOrder) {
        statusReasons(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...StatusReasonFields
                }
            }
        }
    }
    ${REASON}
`;

export const STATUS_REASON_NODES = /* GraphQL */ `
    query StatusReasonNodes($ids: [ID!]!) {
        nodes(ids: $ids) {
            ... on StatusReason {
                ...StatusReasonFields
            }
        }
    }
    ${REASON}
`;

export const CREATE_STATUS_REASON = /* GraphQL */ `
    mutation CreateStatusReason($input: CreateStatusReasonInput!) {
        createStatusReason(input: $input) {
            ...StatusReasonFields
        }
    }
    ${REASON}
`;

export const UPDATE_STATUS_REASON = /* GraphQL */ `
    mutation UpdateStatusReason($id: ID!, $input: UpdateStatusReasonInput!) {
        updateStatusReason(id: $id, input: $input) {
            ...StatusReasonFields
        }
    }
    ${REASON}
`;
