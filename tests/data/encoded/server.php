<?php
// An rpc/encoded peer nobody here wrote: PHP's SoapServer on data/wsdl/encoded.wsdl, run with
// `php -S 127.0.0.1:PORT server.php` by tests/tests/generated/encoded.rs. It answers what it read, changed
// so the test can see it was read: the key prefixed with the token, one more vote, the labels
// passed apart appended, a comment added. getComments returns one comment object twice, which
// PHP writes as a multi-reference value (id/href); for the key `fault` it answers a SoapFault.
ini_set('soap.wsdl_cache_enabled', '0');

class Issues
{
    public function updateIssue($token, $issue, $labels)
    {
        $issue->key = $token . ':' . $issue->key;
        $issue->votes = $issue->votes + 1;
        $issue->labels = array_merge((array) $issue->labels, (array) $labels);
        $comments = (array) $issue->comments;
        $added = new stdClass();
        $added->author = 'php';
        $added->body = 'read ' . count($comments) . ' comments';
        $added->created = '2024-05-06T07:08:09Z';
        $comments[] = $added;
        $issue->comments = $comments;
        return $issue;
    }

    public function getComments($key)
    {
        if ($key === 'fault') {
            throw new SoapFault('Server', 'no comments for ' . $key);
        }
        $shared = new stdClass();
        $shared->author = $key;
        $shared->body = 'shared';
        $shared->created = '2024-01-02T03:04:05Z';
        $other = new stdClass();
        $other->author = null;
        $other->body = 'other <&> "text"';
        $other->created = null;
        return [$shared, $other, $shared];
    }
}

$server = new SoapServer(__DIR__ . '/../wsdl/encoded.wsdl', ['cache_wsdl' => WSDL_CACHE_NONE]);
$server->setClass('Issues');
$server->handle();
